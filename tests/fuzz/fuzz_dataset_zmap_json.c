// SPDX-License-Identifier: GPL-2.0-only
/* fuzz_dataset_zmap_json.c - the "zmap-json" reader: ZMap -O json, plain and compressed. */
#define FUZZ_FORMAT "zmap-json"
#include "fuzz_dataset.h"

// SPDX-License-Identifier: GPL-2.0-only
/* fuzz_dataset_masscan_json.c - the "masscan-json" reader: masscan -oJ, plain and compressed. */
#define FUZZ_FORMAT "masscan-json"
#include "fuzz_dataset.h"

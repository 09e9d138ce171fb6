// SPDX-License-Identifier: GPL-2.0-only
/* fuzz_dataset_zmap_csv.c - the "zmap-csv" reader: ZMap -O csv, plain and compressed. */
#define FUZZ_FORMAT "zmap-csv"
#include "fuzz_dataset.h"

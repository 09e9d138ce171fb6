// SPDX-License-Identifier: GPL-2.0-only
/* fuzz_dataset_gzip.c - gzip streams as they come: damaged, truncated, many members. */
#define FUZZ_CODEC_GZIP
#include "fuzz_dataset.h"

// SPDX-License-Identifier: GPL-2.0-only
/* fuzz_dataset_zstd.c - zstd streams as they come: damaged, truncated, many frames. */
#define FUZZ_CODEC_ZSTD
#include "fuzz_dataset.h"

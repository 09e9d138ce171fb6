// SPDX-License-Identifier: GPL-2.0-only
/* fuzz_dataset_addresses.c - the "addresses" reader: address lists (ZMap's bare output), plain and compressed. */
#define FUZZ_FORMAT "addresses"
#include "fuzz_dataset.h"

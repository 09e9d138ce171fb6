// SPDX-License-Identifier: GPL-2.0-only
/* fuzz_dataset_masscan_list.c - the "masscan-list" reader: masscan -oL, plain and compressed. */
#define FUZZ_FORMAT "masscan-list"
#include "fuzz_dataset.h"

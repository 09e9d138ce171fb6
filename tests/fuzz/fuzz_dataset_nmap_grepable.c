// SPDX-License-Identifier: GPL-2.0-only
/* fuzz_dataset_nmap_grepable.c - the "nmap-grepable" reader: nmap -oG, plain and compressed. */
#define FUZZ_FORMAT "nmap-grepable"
#include "fuzz_dataset.h"

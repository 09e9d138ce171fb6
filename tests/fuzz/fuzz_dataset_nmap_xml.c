// SPDX-License-Identifier: GPL-2.0-only
/* fuzz_dataset_nmap_xml.c - the "nmap-xml" reader: nmap -oX and masscan -oX, plain and compressed. */
#define FUZZ_FORMAT "nmap-xml"
#include "fuzz_dataset.h"

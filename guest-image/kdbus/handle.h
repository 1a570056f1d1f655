/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbus - file handles (spec 3.1).
 */
#ifndef __KDBUS_HANDLE_H
#define __KDBUS_HANDLE_H

#include "fs.h"

#endif

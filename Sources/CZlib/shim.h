#ifndef NEWSPIPE_CZLIB_SHIM_H
#define NEWSPIPE_CZLIB_SHIM_H
#include <zlib.h>
#endif

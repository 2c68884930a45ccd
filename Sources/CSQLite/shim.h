#ifndef NEWSPIPE_CSQLITE_SHIM_H
#define NEWSPIPE_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif

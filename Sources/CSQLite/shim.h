#ifndef DISCLOSURE_CSQLITE_SHIM_H
#define DISCLOSURE_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif

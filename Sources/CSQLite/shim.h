#ifndef DISCLOSURE_CSQLITE_SHIM_H
#define DISCLOSURE_CSQLITE_SHIM_H
#include <sqlite3.h>

/* SQLite counts every allocation under a global mutex for sqlite3_memory_used(), which this program
   never asks; without the count an export spends less of its time locking. Must run before SQLite
   is first used in the process; sqlite3_config is variadic, which Swift cannot call. */
static inline int disclosure_sqlite_skip_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif

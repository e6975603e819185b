#include <sqlite3.h>
static const void *csqlite3_transient(void) { return (const void *)-1; }

#include <jansson.h>
/* Macros Swift cannot import. */
static inline int cj_is_object(const json_t *j) { return json_is_object(j); }
static inline int cj_typeof(const json_t *j) { return (int)json_typeof(j); }
static inline void cj_decref(json_t *j) { json_decref(j); }

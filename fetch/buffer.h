/*
 * buffer.h
 *		A growing byte buffer, always NUL-terminated.
 */
#ifndef GCSTITCH_FETCH_BUFFER_H
#define GCSTITCH_FETCH_BUFFER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct Buffer
{
	char	   *data;			/* NULL until something is appended */
	size_t		len;
	size_t		cap;
} Buffer;

extern void buffer_init(Buffer *buf);
extern bool buffer_append(Buffer *buf, const char *bytes, size_t n);
extern void buffer_reset(Buffer *buf);
extern void buffer_free(Buffer *buf);

#endif

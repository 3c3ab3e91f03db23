/*
 * buffer.c
 *		A growing byte buffer, always NUL-terminated.
 */
#include <stdlib.h>
#include <string.h>

#include "buffer.h"

void
buffer_init(Buffer *buf)
{
	buf->data = NULL;
	buf->len = 0;
	buf->cap = 0;
}

/* Appends n bytes; false when memory runs out (the buffer is unchanged then). */
bool
buffer_append(Buffer *buf, const char *bytes, size_t n)
{
	if (buf->len + n + 1 > buf->cap)
	{
		size_t		cap = buf->cap ? buf->cap : 4096;
		char	   *grown;

		while (cap < buf->len + n + 1)
			cap *= 2;
		grown = realloc(buf->data, cap);
		if (grown == NULL)
			return false;
		buf->data = grown;
		buf->cap = cap;
	}
	memcpy(buf->data + buf->len, bytes, n);
	buf->len += n;
	buf->data[buf->len] = '\0';
	return true;
}

/* Empties the buffer, keeping its memory for the next use. */
void
buffer_reset(Buffer *buf)
{
	buf->len = 0;
	if (buf->data)
		buf->data[0] = '\0';
}

void
buffer_free(Buffer *buf)
{
	free(buf->data);
	buffer_init(buf);
}

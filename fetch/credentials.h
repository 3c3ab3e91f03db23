/*
 * credentials.h
 *		The OAuth client id and secret: from the environment or a file only its owner can read.
 */
#ifndef GCSTITCH_FETCH_CREDENTIALS_H
#define GCSTITCH_FETCH_CREDENTIALS_H

typedef struct Credentials
{
	char	   *client_id;
	char	   *client_secret;
} Credentials;

/* From file when not NULL, else from GCSTITCH_CLIENT_ID and GCSTITCH_CLIENT_SECRET; fatal if absent. */
extern void credentials_load(const char *file, Credentials *out);

/* Overwrites and frees both strings. */
extern void credentials_free(Credentials *creds);

#endif

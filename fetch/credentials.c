/*
 * credentials.c
 *		The OAuth client id and secret. They come from the environment (GCSTITCH_CLIENT_ID,
 *		GCSTITCH_CLIENT_SECRET) or from a file of "name=value" lines that only its owner can
 *		read (the rule libpq applies to ~/.pgpass); never from the command line, where every
 *		user of the machine could read them in ps. They are never printed; their memory is
 *		overwritten before it is freed.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "credentials.h"
#include "report.h"

#define MAX_CREDENTIALS_FILE 65536

/* Refuses a file that is not a regular file of this user, or that others could read. */
static void
CheckFileSafety(int fd, const char *file)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		fatal("could not read credentials file \"%s\": %s", file, strerror(errno));
	if (!S_ISREG(st.st_mode))
		fatal("credentials file \"%s\" is not a regular file", file);
	if (st.st_uid != geteuid())
		fatal("credentials file \"%s\" is not owned by the user running gcstitch-fetch", file);
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		fatal("credentials file \"%s\" can be read by other users: run chmod 600 on it", file);
	if (st.st_size > MAX_CREDENTIALS_FILE)
		fatal("credentials file \"%s\" is too large to be a credentials file", file);
}

/* Strips white space at both ends of s in place; returns the new start. */
static char *
Trim(char *s)
{
	char	   *end;

	while (isspace((unsigned char) *s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char) end[-1]))
		*--end = '\0';
	return s;
}

/* Stores value into *slot when name is one of the names given for it. */
static void
TakeValue(const char *name, const char *value, const char *name1, const char *name2, char **slot)
{
	if (strcmp(name, name1) != 0 && strcmp(name, name2) != 0)
		return;
	if (*slot)
	{
		explicit_bzero(*slot, strlen(*slot));
		free(*slot);
	}
	*slot = strdup(value);
}

/* Reads "client_id=..." and "client_secret=..." lines (or the environment variable names). */
static void
ParseLines(char *text, Credentials *out)
{
	char	   *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
	{
		char	   *eq = strchr(line, '=');
		char	   *name;

		if (*Trim(line) == '#' || eq == NULL)
			continue;
		*eq = '\0';
		name = Trim(line);
		TakeValue(name, Trim(eq + 1), "client_id", "GCSTITCH_CLIENT_ID", &out->client_id);
		TakeValue(name, Trim(eq + 1), "client_secret", "GCSTITCH_CLIENT_SECRET", &out->client_secret);
	}
}

static void
LoadFile(const char *file, Credentials *out)
{
	char		text[MAX_CREDENTIALS_FILE + 1];
	ssize_t		n;
	int			fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		fatal("could not open credentials file \"%s\": %s", file, strerror(errno));
	CheckFileSafety(fd, file);
	n = read(fd, text, MAX_CREDENTIALS_FILE);
	close(fd);
	if (n < 0)
		fatal("could not read credentials file \"%s\": %s", file, strerror(errno));
	text[n] = '\0';
	ParseLines(text, out);
	explicit_bzero(text, sizeof(text));
	if (out->client_id == NULL || out->client_secret == NULL || !*out->client_id || !*out->client_secret)
		fatal("credentials file \"%s\" must have a client_id=... and a client_secret=... line", file);
}

void
credentials_load(const char *file, Credentials *out)
{
	const char *id = getenv("GCSTITCH_CLIENT_ID");
	const char *secret = getenv("GCSTITCH_CLIENT_SECRET");

	out->client_id = NULL;
	out->client_secret = NULL;
	if (file)
	{
		LoadFile(file, out);
		return;
	}
	if (id == NULL || secret == NULL || !*id || !*secret)
		fatal("no Genesys Cloud credentials: set GCSTITCH_CLIENT_ID and GCSTITCH_CLIENT_SECRET, "
			  "or name a file with --credentials-file");
	out->client_id = strdup(id);
	out->client_secret = strdup(secret);
}

static void
Wipe(char **s)
{
	if (*s)
	{
		explicit_bzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

void
credentials_free(Credentials *creds)
{
	Wipe(&creds->client_id);
	Wipe(&creds->client_secret);
}

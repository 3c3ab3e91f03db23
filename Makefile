# gcstitch: PGXS build. `make PG_CONFIG=/usr/lib/postgresql/NN/bin/pg_config` picks another major.
EXTENSION = gcstitch
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" gcstitch.control)

MODULE_big = gcstitch
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

# The install script is assembled from its parts in src/sql/, one concern a file.
DATA_built = gcstitch--$(EXTVERSION).sql
INSTALL_PARTS = $(sort $(wildcard src/sql/*.sql))
# Released install scripts and the upgrade scripts between versions: shipped as they are, never edited.
DATA = $(wildcard src/upgrade/gcstitch--*.sql)

REGRESS = $(sort $(basename $(notdir $(wildcard sql/*.sql))))
REGRESS_OPTS = --load-extension=gcstitch

PG_CPPFLAGS = -DGCSTITCH_VERSION='"$(EXTVERSION)"'
PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers
# Warnings are errors in the test harness (`make WERROR=1`), not for packagers with other compilers.
ifdef WERROR
PG_CFLAGS += -Werror
endif
SHLIB_LINK = -ljson-c

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

gcstitch--$(EXTVERSION).sql: $(INSTALL_PARTS) gcstitch.control
	cat $(INSTALL_PARTS) > $@

# The client program gcstitch-fetch (fetch/), built and installed with the extension.
all: fetch-program
fetch-program:
	$(MAKE) -C fetch
install: fetch-install
fetch-install: fetch-program
	$(MAKE) -C fetch install
clean: fetch-clean
fetch-clean:
	$(MAKE) -C fetch clean
.PHONY: fetch-program fetch-install fetch-clean

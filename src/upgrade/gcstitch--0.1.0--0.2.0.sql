-- gcstitch upgrade 0.1.0 -> 0.2.0.  Every change to src/sql/ since 0.1.0 is repeated here, so that
-- ALTER EXTENSION gcstitch UPDATE gives exactly the objects of a fresh 0.2.0 install (test/upgrade.sh
-- compares the two catalogs).
\echo Use "ALTER EXTENSION gcstitch UPDATE TO '0.2.0'" to load this file. \quit

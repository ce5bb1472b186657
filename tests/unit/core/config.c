/* Unit tests of core/config: defaults < file < environment < flags. */
#include "core/config.h"
#include "core/err.h"
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Test(config, flags_override_environment_and_file)
{
    char path[] = "/tmp/gagas-config-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "# comment\nlisten = 127.0.0.1:9000\nthreads = 3\nrate_submit=7\n");
    fclose(f);
    setenv("GAGAS_THREADS", "5", 1);
    char cfgflag[300];
    snprintf(cfgflag, sizeof(cfgflag), "--config=%s", path);
    char *argv[] = {"serve", cfgflag, "--rate-submit", "0", "--email", "x@y.id", "add", NULL};
    int argc = 7, rest = 0;
    gg_config c;
    char err[200];
    gg_config_defaults(&c);
    cr_assert_eq(gg_config_load(&c, argc, argv, &rest, err, sizeof(err)), 0, "%s", err);
    cr_assert_str_eq(c.listen, "127.0.0.1:9000"); /* file */
    cr_assert_eq(c.threads, 5);                    /* environment over file */
    cr_assert_eq(c.rate_submit, 0);                /* flag over file */
    cr_assert_eq(c.body_cap, 1024 * 1024);         /* default */
    /* the command's own arguments are kept, in order */
    cr_assert_eq(rest, 3);
    cr_assert_str_eq(argv[0], "--email");
    cr_assert_str_eq(argv[1], "x@y.id");
    cr_assert_str_eq(argv[2], "add");
    unsetenv("GAGAS_THREADS");
    remove(path);
}

Test(config, bad_values_are_refused)
{
    gg_config c;
    gg_config_defaults(&c);
    cr_assert_eq(gg_config_set(&c, "threads", "two"), GG_EINVAL);
    cr_assert_eq(gg_config_set(&c, "no_such_key", "1"), GG_ENOTFOUND);
    cr_assert_eq(gg_config_set(&c, "body-cap", "2048"), 0);
    cr_assert_eq(c.body_cap, 2048);
    char *argv[] = {"serve", "--threads", "x", NULL};
    int rest;
    char err[200];
    cr_assert_eq(gg_config_load(&c, 3, argv, &rest, err, sizeof(err)), GG_EINVAL);
    cr_assert(strstr(err, "threads") != NULL);
}

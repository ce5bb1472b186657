/*
 * user.c — `gagas user add --email E --role R` (cli layer). The password
 * comes from standard input when it is not a terminal, else from a prompt
 * with echo off; it is hashed with argon2id and never printed or logged.
 */
#include "api/api.h"
#include "cli/cli.h"
#include "core/err.h"
#include "store/store.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int read_password(char *out, size_t cap)
{
    int tty = isatty(0);
    struct termios old, quiet;
    if (tty) {
        fprintf(stderr, "password: ");
        tcgetattr(0, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(0, TCSANOW, &quiet);
    }
    char *got = fgets(out, (int)cap, stdin);
    if (tty) {
        tcsetattr(0, TCSANOW, &old);
        fprintf(stderr, "\n");
    }
    if (got == NULL)
        return -1;
    size_t n = strlen(out);
    while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
        out[--n] = '\0';
    return 0;
}

int gg_cli_user(gg_config *cfg, int argc, char **argv)
{
    const char *email = NULL, *role = NULL;
    if (argc < 1 || strcmp(argv[0], "add") != 0) {
        fprintf(stderr, "usage: gagas user add --db PATH --email E --role admin|reviewer|analyst\n");
        return 2;
    }
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--email") == 0)
            email = argv[++i];
        else if (strcmp(argv[i], "--role") == 0)
            role = argv[++i];
    }
    if (email == NULL || role == NULL || strchr(email, '@') == NULL) {
        fprintf(stderr, "gagas user add: --email (an e-mail address) and --role are required\n");
        return 2;
    }
    char pw[1100];
    if (read_password(pw, sizeof(pw)) != 0 || strlen(pw) < 8) {
        fprintf(stderr, "gagas user add: the password must have at least 8 characters\n");
        return 2;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        fprintf(stderr, "gagas user add: out of memory while hashing\n");
        return 1;
    }
    sodium_memzero(pw, sizeof(pw));
    gg_store *s = NULL;
    if (gg_store_open(&s, cfg->db, 0) != 0) {
        fprintf(stderr, "gagas user add: %s\n", gg_store_errmsg(NULL));
        return 1;
    }
    int64_t id = 0;
    int rc = gg_store_user_add(s, email, role, hash, &id);
    if (rc != 0)
        fprintf(stderr, "gagas user add: %s\n", gg_store_errmsg(s));
    else
        printf("added %s (%s), id %lld\n", email, role, (long long)id);
    gg_store_close(s);
    return rc == 0 ? 0 : 1;
}

/*
 * accounts.c — sealing account tokens and reading the secrets file
 * (channels layer, issue 7). crypto_secretbox (XSalsa20-Poly1305) with a
 * fresh random nonce per token: a stolen database without the key file
 * yields no token. The key file is written once with O_EXCL and never
 * replaced, so a bad file stops the server instead of orphaning tokens.
 */
#include "channels/accounts.h"
#include "core/alloc.h"
#include "core/err.h"
#include "core/log.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int gg_tokens_key_load(const char *path, unsigned char key[GG_TOKENS_KEY_BYTES])
{
    char hex[2 * GG_TOKENS_KEY_BYTES + 1] = {0};
    FILE *f = fopen(path, "r");
    if (f) {
        size_t n = fread(hex, 1, 2 * GG_TOKENS_KEY_BYTES, f);
        fclose(f);
        size_t bin = 0;
        int ok = n == 2 * GG_TOKENS_KEY_BYTES &&
                 sodium_hex2bin(key, GG_TOKENS_KEY_BYTES, hex, n, NULL, &bin, NULL) == 0 &&
                 bin == GG_TOKENS_KEY_BYTES;
        sodium_memzero(hex, sizeof(hex));
        if (ok)
            return 0;
        gg_log(GG_LOG_ERROR, "token key file is malformed", "\"path\":\"%s\"", path);
        return GG_EIO;
    }
    if (errno != ENOENT) {
        gg_log(GG_LOG_ERROR, "cannot read the token key", "\"path\":\"%s\",\"errno\":%d", path,
               errno);
        return GG_EIO;
    }
    crypto_secretbox_keygen(key);
    sodium_bin2hex(hex, sizeof(hex), key, GG_TOKENS_KEY_BYTES);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    int rc = 0;
    if (fd < 0 || write(fd, hex, 2 * GG_TOKENS_KEY_BYTES) != 2 * GG_TOKENS_KEY_BYTES ||
        fsync(fd) != 0) {
        gg_log(GG_LOG_ERROR, "cannot write the token key", "\"path\":\"%s\",\"errno\":%d", path,
               errno);
        rc = GG_EIO;
    } else {
        gg_log(GG_LOG_INFO, "token key created", "\"path\":\"%s\"", path);
    }
    if (fd >= 0)
        close(fd);
    sodium_memzero(hex, sizeof(hex));
    return rc;
}

int gg_tokens_seal(const unsigned char key[GG_TOKENS_KEY_BYTES], const char *token, char **out)
{
    *out = NULL;
    size_t n = token ? strlen(token) : 0;
    if (n == 0 || n > 8192)
        return GG_EINVAL;
    size_t blen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
    unsigned char *box = gg_malloc(blen);
    randombytes_buf(box, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)token, n, box,
                          key);
    char *hex = gg_malloc(2 * blen + 1);
    sodium_bin2hex(hex, 2 * blen + 1, box, blen);
    free(box);
    *out = hex;
    return 0;
}

int gg_tokens_open(const unsigned char key[GG_TOKENS_KEY_BYTES], const char *box, char **out)
{
    *out = NULL;
    size_t hn = box ? strlen(box) : 0;
    if (hn < 2 * (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 1) || hn > 20000)
        return GG_EAUTH;
    unsigned char *bin = gg_malloc(hn / 2);
    size_t blen = 0;
    int rc = GG_EAUTH;
    if (sodium_hex2bin(bin, hn / 2, box, hn, NULL, &blen, NULL) != 0)
        goto done;
    size_t mlen = blen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    char *plain = gg_malloc(mlen + 1);
    if (crypto_secretbox_open_easy((unsigned char *)plain, bin + crypto_secretbox_NONCEBYTES,
                                   blen - crypto_secretbox_NONCEBYTES, bin, key) != 0) {
        free(plain);
        goto done;
    }
    plain[mlen] = '\0';
    *out = plain;
    rc = 0;
done:
    free(bin);
    return rc;
}

void gg_tokens_free(char *token)
{
    if (token == NULL)
        return;
    sodium_memzero(token, strlen(token));
    free(token);
}

int gg_secrets_file_load(const char *path)
{
    if (path == NULL || *path == '\0')
        return 0;
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        gg_log(GG_LOG_ERROR, "cannot read the secrets file", "\"path\":\"%s\",\"errno\":%d", path,
               errno);
        return GG_EIO;
    }
    char line[4096];
    int no = 0, rc = 0;
    while (fgets(line, sizeof(line), f)) {
        no++;
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
            line[--n] = '\0';
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#')
            continue;
        char *eq = strchr(p, '=');
        if (eq == NULL || strncmp(p, "GAGAS_", 6) != 0) {
            gg_log(GG_LOG_ERROR, "secrets file: line is not GAGAS_NAME=value",
                   "\"path\":\"%s\",\"line\":%d", path, no);
            rc = GG_EINVAL;
            continue;
        }
        *eq = '\0';
        char *name = p, *val = eq + 1;
        for (char *q = eq - 1; q > name && (*q == ' ' || *q == '\t'); q--)
            *q = '\0';
        while (*val == ' ' || *val == '\t')
            val++;
        setenv(name, val, 0); /* the environment wins */
    }
    sodium_memzero(line, sizeof(line));
    fclose(f);
    return rc;
}

static char *env_token(const char *channel, const char *account)
{
    char name[256];
    int n = snprintf(name, sizeof(name), "GAGAS_TOKEN_%s%s%s", channel, account ? "_" : "",
                     account ? account : "");
    if (n < 0 || (size_t)n >= sizeof(name))
        return NULL;
    for (char *p = name; *p; p++)
        *p = isalnum((unsigned char)*p) ? (char)toupper((unsigned char)*p) : '_';
    const char *v = getenv(name);
    return v && *v ? gg_strdup(v) : NULL;
}

int gg_tokens_for(const unsigned char key[GG_TOKENS_KEY_BYTES], json_t *accounts,
                  const char *channel, const char *account, char **out)
{
    *out = NULL;
    size_t i;
    json_t *a;
    json_array_foreach(accounts, i, a)
    {
        const char *ch = json_string_value(json_object_get(a, "channel"));
        const char *ac = json_string_value(json_object_get(a, "account"));
        const char *box = json_string_value(json_object_get(a, "token_box"));
        if (ch == NULL || strcmp(ch, channel) != 0 || box == NULL)
            continue;
        if (account && ac && strcmp(ac, account) != 0)
            continue;
        if (gg_tokens_open(key, box, out) == 0)
            return 0;
        gg_log(GG_LOG_ERROR, "a stored token does not open under the key file",
               "\"channel\":\"%s\",\"account\":\"%s\"", channel, ac ? ac : "");
        return GG_EAUTH;
    }
    if (account && (*out = env_token(channel, account)) != NULL)
        return 0;
    if ((*out = env_token(channel, NULL)) != NULL)
        return 0;
    return GG_ENOTFOUND;
}

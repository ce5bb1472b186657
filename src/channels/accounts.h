/*
 * accounts.h — connected accounts and their secrets (channels layer, issue
 * 7): access tokens are sealed with libsodium crypto_secretbox under a key
 * file beside the database (<db>.tokens.key, created 0600) before the store
 * sees them; a secrets file (config secrets_file: NAME=value lines) fills
 * the GAGAS_* variables the environment did not set. Plain tokens live only
 * in the memory of the thread that sends, and are wiped after use.
 */
#ifndef GG_CHANNELS_ACCOUNTS_H
#define GG_CHANNELS_ACCOUNTS_H
#include <stddef.h>

#include "store/store.h"

#define GG_TOKENS_KEY_BYTES 32

/**
 * Load the token key from path, or create it (random, mode 0600) when the
 * file does not exist. 0, or GG_EIO when it cannot be read or written, or
 * is malformed (never overwritten). Any thread; call once at start.
 */
int gg_tokens_key_load(const char *path, unsigned char key[GG_TOKENS_KEY_BYTES]);

/** Seal token: *out = malloc'd hex of nonce || ciphertext. 0 or GG_EINVAL. */
int gg_tokens_seal(const unsigned char key[GG_TOKENS_KEY_BYTES], const char *token, char **out);
/** Open a sealed token: *out = malloc'd plain token (free with
 *  gg_tokens_free). GG_EAUTH when the box does not open under key. */
int gg_tokens_open(const unsigned char key[GG_TOKENS_KEY_BYTES], const char *box, char **out);
/** Wipe and free a plain token. NULL ok. */
void gg_tokens_free(char *token);

/**
 * Set GAGAS_* variables from a secrets file of `NAME=value` lines (# for
 * comments). Names must start with GAGAS_; a variable already in the
 * environment wins. Values are never logged. 0; GG_EIO when the file
 * cannot be read; GG_EINVAL on a malformed line (its number in the log).
 * Main thread, before other threads start (setenv).
 */
int gg_secrets_file_load(const char *path);

/**
 * The plain token for (channel, account): the sealed token of the stored
 * account, else the environment variable GAGAS_TOKEN_<CHANNEL>_<ACCOUNT>
 * (upper-cased, non-alphanumerics as '_'), else GAGAS_TOKEN_<CHANNEL>.
 * accounts = gg_store_chaccount_list(with_token=1)'s "accounts" array
 * (may be NULL). *out malloc'd (gg_tokens_free) or NULL: GG_ENOTFOUND.
 */
int gg_tokens_for(const unsigned char key[GG_TOKENS_KEY_BYTES], json_t *accounts,
                  const char *channel, const char *account, char **out);

#endif

/* err.c — names of the error codes (core layer). */
#include "core/err.h"

const char *gg_err_name(int code)
{
    switch (code) {
    case GG_OK: return "ok";
    case GG_EINVAL: return "invalid";
    case GG_ENOTFOUND: return "not_found";
    case GG_ECONFLICT: return "conflict";
    case GG_ELIMIT: return "too_large";
    case GG_EUPSTREAM: return "upstream";
    case GG_EAUTH: return "unauthorized";
    case GG_EFORBIDDEN: return "forbidden";
    case GG_ERATE: return "rate_limited";
    case GG_EIO: return "io";
    case GG_EUTF8: return "invalid_utf8";
    case GG_ECSRF: return "csrf";
    case GG_EINTERNAL: return "internal";
    }
    return "unknown";
}

/* Unit tests of gg_json_compact: byte for byte what json_dumps(JSON_COMPACT
 * | JSON_REAL_PRECISION(6)) writes, on the filter's labels and on values
 * chosen to reach every branch (scores, reals far from three decimals,
 * exponents, signed zero, escapes, nesting). */
#include "core/json.h"
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void same(json_t *v)
{
    char *want = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(6) | JSON_ENCODE_ANY);
    char *got = gg_json_compact(v);
    cr_assert_not_null(want);
    cr_assert_not_null(got);
    cr_expect_str_eq(got, want);
    free(want);
    free(got);
    json_decref(v);
}

Test(json, reals_as_jansson_writes_them)
{
    static const double r[] = {
        0.0,       1.0,   -1.0,    0.5,    0.123,     0.12,     0.1,      0.001,
        0.999,     1.5,   12.345,  99.999, 999.999,   1000.0,   1234.567, 123456.0,
        1234567.0, 1e20,  1e-5,    1.5e-7, 0.1234567, -0.004,   -12.3,    3.14159265,
        2.0 / 3.0, 1e300, -1e-300, 0.0001, 0.00012,   100000.0, 999999.5};
    for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++)
        same(json_real(r[i]));
    same(json_real(-0.0));
    /* every score the filter writes: round(x * 1000) / 1000 for x in [-2, 2] */
    for (int k = -2000; k <= 2000; k++)
        same(json_real(round((double)k) / 1000.0));
    srand(7);
    for (int k = 0; k < 5000; k++)
        same(json_real(((double)rand() / RAND_MAX - 0.5) * pow(10.0, rand() % 13 - 6)));
}

Test(json, strings_integers_and_nesting)
{
    same(json_string("plain"));
    same(json_string("quote \" backslash \\ slash / tab \t nl \n cr \r bs \b ff \f"));
    same(json_stringn("nul \0 inside \x01\x1f\x7f", 20));
    same(json_string("Kab. Bogor — jalan rusak 🚧 ééé"));
    same(json_integer(0));
    same(json_integer(-9223372036854775807LL - 1));
    same(json_integer(9223372036854775807LL));
    same(json_true());
    same(json_false());
    same(json_null());
    same(json_object());
    same(json_array());
    json_t *nested = json_pack("{s:[i,f,s,{s:n,s:[]}],s:{s:{s:b}},s:s}", "a", 1, 0.25, "x", "y",
                               "z", "o", "p", "q", 1, "r", "k\"ey");
    cr_assert_not_null(nested);
    same(nested);
    json_t *labels = json_loads(
        "{\"lang\":\"ind\",\"topics\":[{\"topic\":\"pendidikan\",\"score\":0.91}],\"kind\":"
        "\"gagasan\",\"constructive\":0.8,\"abusive\":0.02,\"sentiment\":{\"label\":\"negative\","
        "\"score\":0.7},\"region\":[{\"text\":\"Kab. Bogor\",\"start\":20,\"code\":\"32.01\"}],"
        "\"dup_of\":null,\"coordinated\":null,\"route\":{\"decision\":\"queue\",\"priority\":"
        "0.62,\"rules\":[],\"models\":true}}",
        0, NULL);
    cr_assert_not_null(labels);
    same(labels);
}

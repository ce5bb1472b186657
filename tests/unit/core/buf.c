/* Unit tests of core/buf: the cap is hard and a failed append changes nothing. */
#include "core/buf.h"
#include "core/err.h"
#include <criterion/criterion.h>
#include <string.h>

Test(buf, appends_and_terminates)
{
    gg_buf b;
    gg_buf_init(&b, 64);
    cr_assert_eq(gg_buf_adds(&b, "halo"), 0);
    cr_assert_eq(gg_buf_printf(&b, " %d%s", 42, "!"), 0);
    cr_assert_str_eq(b.data, "halo 42!");
    cr_assert_eq(b.len, 8);
    gg_buf_dispose(&b);
}

Test(buf, cap_is_hard_and_failure_leaves_buffer_unchanged)
{
    gg_buf b;
    gg_buf_init(&b, 8);
    cr_assert_eq(gg_buf_adds(&b, "12345"), 0);
    cr_assert_eq(gg_buf_adds(&b, "6789"), GG_ELIMIT);
    cr_assert_str_eq(b.data, "12345");
    cr_assert_eq(gg_buf_printf(&b, "%s", "abcd"), GG_ELIMIT);
    cr_assert_eq(b.len, 5);
    cr_assert_eq(gg_buf_adds(&b, "678"), 0);
    cr_assert_eq(b.len, 8);
    cr_assert_eq(gg_buf_addc(&b, 'x'), GG_ELIMIT);
    gg_buf_dispose(&b);
}

Test(buf, detach_hands_over_and_empties)
{
    gg_buf b;
    size_t n = 0;
    gg_buf_init(&b, 100);
    gg_buf_adds(&b, "abc");
    char *p = gg_buf_detach(&b, &n);
    cr_assert_str_eq(p, "abc");
    cr_assert_eq(n, 3);
    cr_assert_eq(b.len, 0);
    cr_assert_null(b.data);
    free(p);
    p = gg_buf_detach(&b, &n); /* an empty buffer still gives a string */
    cr_assert_str_eq(p, "");
    free(p);
}

Test(str, slices_compare_by_bytes)
{
    cr_assert(gg_str_eq(GG_STR("demo"), gg_str_c("demo")));
    cr_assert_not(gg_str_eq(GG_STR("demo"), GG_STR("dem")));
    cr_assert(gg_str_eq_c((gg_str){"demox", 4}, "demo"));
}

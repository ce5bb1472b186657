/* Unit tests of http/rate: counts per key within a window. */
#include "http/rate.h"
#include <criterion/criterion.h>

Test(rate, counts_each_key_separately)
{
    gg_rate *r = gg_rate_new(1 << 12, 60);
    for (int i = 1; i <= 5; i++)
        cr_assert_eq(gg_rate_add(r, "w:10.0.0.1", 1), i);
    cr_assert_eq(gg_rate_add(r, "w:10.0.0.1", 0), 5); /* reading does not count */
    cr_assert_eq(gg_rate_add(r, "w:10.0.0.2", 1), 1);
    int ra = gg_rate_retry_after(r, "w:10.0.0.1");
    cr_assert(ra >= 1 && ra <= 60);
    gg_rate_free(r);
}

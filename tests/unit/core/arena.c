/* Unit tests of core/arena: alignment, big allocations, reset, the cap. */
#include "core/arena.h"
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

Test(arena, aligned_and_distinct)
{
    gg_arena a;
    gg_arena_init(&a, 0);
    char *p = gg_arena_alloc(&a, 3), *q = gg_arena_alloc(&a, 5);
    cr_assert_eq((uintptr_t)p % 16, 0);
    cr_assert_eq((uintptr_t)q % 16, 0);
    cr_assert(q >= p + 3);
    char *big = gg_arena_alloc(&a, 200000); /* larger than a block */
    cr_assert_not_null(big);
    memset(big, 7, 200000);
    cr_assert_str_eq(gg_arena_strndup(&a, "halo dunia", 4), "halo");
    gg_arena_dispose(&a);
}

Test(arena, reset_reuses_and_cap_refuses)
{
    gg_arena a;
    gg_arena_init(&a, 1024);
    cr_assert_not_null(gg_arena_alloc(&a, 1000));
    cr_assert_null(gg_arena_alloc(&a, 100)); /* 1008 + 112 > 1024 */
    gg_arena_reset(&a);
    cr_assert_eq(a.used_total, 0);
    cr_assert_not_null(gg_arena_alloc(&a, 1000));
    cr_assert_null(gg_arena_alloc(&a, 5000));
    gg_arena_dispose(&a);
}

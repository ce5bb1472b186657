/*
 * tests/unit/filter/sigmoid.c — the heads' vector sigmoid gives the very
 * floats of 1 / (1 + expf(-x)): over a spread of bit patterns covering the
 * whole float range (the band past |x| = 88, infinities and NaN included,
 * which go to expf itself), and for every head width 1..13 (the vector's
 * tail lanes).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "filter/model.h"

static float ref(float x)
{
    return 1.0f / (1.0f + expf(-x));
}

Test(sigmoid, same_floats_as_expf)
{
    float probe[1] = {0.5f};
    if (!gg_filter__sigmoid_vec(probe, 1))
        cr_skip_test("no AVX2+FMA here: the scalar loop runs, nothing to compare");
    cr_assert_eq(probe[0], ref(0.5f));
    long bad = 0, n = 0;
    /* a stride prime to 2^32: every exponent and sign, many mantissas */
    for (uint64_t b = 0; b < (1ull << 32); b += 1009 * 13) {
        float x[13], y[13];
        for (int j = 0; j < 13; j++) {
            uint32_t u = (uint32_t)(b + (uint64_t)j * 1009);
            memcpy(&x[j], &u, sizeof u);
            y[j] = x[j];
        }
        gg_filter__sigmoid_vec(y, 13);
        for (int j = 0; j < 13; j++, n++) {
            float e = ref(x[j]);
            if (memcmp(&e, &y[j], sizeof e) != 0 && !(isnan(e) && isnan(y[j])))
                bad++;
        }
    }
    cr_assert_gt(n, 4000000);
    cr_assert_eq(bad, 0, "%ld of %ld floats differ from 1/(1+expf(-x))", bad, n);
}

Test(sigmoid, edges_and_every_width)
{
    const float edge[] = {0.0f,      -0.0f,    87.99f,   -87.99f,  88.0f,     -88.0f,  88.73f,
                          -103.98f,  104.0f,   1e-30f,   -1e-45f,  INFINITY,  -INFINITY, NAN,
                          16.635532f, -0.6931472f, 3.4028235e38f, -3.4028235e38f};
    size_t ne = sizeof edge / sizeof edge[0];
    for (int w = 1; w <= 13; w++)
        for (size_t s = 0; s < ne; s++) {
            float x[13], y[13];
            for (int j = 0; j < w; j++)
                x[j] = y[j] = edge[(s + (size_t)j) % ne];
            float guard = 12345.0f;
            float buf[14];
            memcpy(buf, y, (size_t)w * sizeof *y);
            buf[w] = guard;
            if (!gg_filter__sigmoid_vec(buf, w))
                cr_skip_test("no AVX2+FMA here");
            cr_assert_eq(buf[w], guard, "width %d wrote past its end", w);
            for (int j = 0; j < w; j++) {
                float e = ref(x[j]);
                cr_assert(memcmp(&e, &buf[j], sizeof e) == 0 || (isnan(e) && isnan(buf[j])),
                          "x=%a: %a, expf gives %a", (double)x[j], (double)buf[j], (double)e);
            }
        }
}

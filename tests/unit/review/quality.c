/* Unit tests of the review quality figures: Cohen's kappa against values
 * worked by hand, its edge cases, and the per-reviewer / per-label report. */
#include "core/err.h"
#include "review/review.h"
#include <criterion/criterion.h>
#include <math.h>

Test(kappa, perfect_agreement_is_one)
{
    const char *a[] = {"accept", "reject:spam", "accept", "escalate"};
    double k = 0;
    cr_assert_eq(gg_review_kappa(a, a, 4, &k), 0);
    cr_assert_float_eq(k, 1.0, 1e-9);
}

/* Worked example: 50 items, both say yes on 20, both no on 15, A yes/B no 5,
 * A no/B yes 10. p_o = 35/50 = 0.7; p_yes = 0.5*0.6 = 0.3, p_no = 0.5*0.4 =
 * 0.2, p_e = 0.5; kappa = (0.7-0.5)/(1-0.5) = 0.4. */
Test(kappa, textbook_two_by_two)
{
    const char *a[50], *b[50];
    int n = 0;
    for (int i = 0; i < 20; i++, n++)
        a[n] = "yes", b[n] = "yes";
    for (int i = 0; i < 15; i++, n++)
        a[n] = "no", b[n] = "no";
    for (int i = 0; i < 5; i++, n++)
        a[n] = "yes", b[n] = "no";
    for (int i = 0; i < 10; i++, n++)
        a[n] = "no", b[n] = "yes";
    double k = 0;
    cr_assert_eq(gg_review_kappa(a, b, 50, &k), 0);
    cr_assert_float_eq(k, 0.4, 1e-9);
}

Test(kappa, chance_level_and_worse)
{
    /* systematic disagreement is below zero */
    const char *a[] = {"x", "y", "x", "y"}, *b[] = {"y", "x", "y", "x"};
    double k = 0;
    cr_assert_eq(gg_review_kappa(a, b, 4, &k), 0);
    cr_assert_float_eq(k, -1.0, 1e-9);
}

Test(kappa, one_label_only_and_empty)
{
    const char *a[] = {"accept", "accept"};
    double k = -5;
    cr_assert_eq(gg_review_kappa(a, a, 2, &k), 0);
    cr_assert_float_eq(k, 1.0, 1e-9);
    cr_assert_eq(gg_review_kappa(a, a, 0, &k), GG_EINVAL);
}

Test(quality, report_per_reviewer_and_label)
{
    json_t *stats = json_pack(
        "{s:[{s:i,s:s,s:i,s:i,s:i},{s:i,s:s,s:i,s:i,s:i}],"
        "s:[{s:i,s:s,s:i,s:s},{s:i,s:s,s:i,s:s},{s:i,s:s,s:i,s:s},{s:i,s:s,s:i,s:s}],s:[]}",
        "reviewers", "user_id", 1, "email", "a@x", "actions", 60, "first_ms", 0, "last_ms",
        3600000, "user_id", 2, "email", "b@x", "actions", 10, "first_ms", 0, "last_ms", 1000,
        "pairs", "first_user", 1, "first_label", "accept", "second_user", 2, "second_label",
        "accept", "first_user", 1, "first_label", "reject:spam", "second_user", 2,
        "second_label", "reject:spam", "first_user", 1, "first_label", "accept", "second_user",
        3, "second_label", "reject:spam", "first_user", 2, "first_label", "accept",
        "second_user", 3, "second_label", "accept", "decision_secs");
    json_t *q = gg_review_quality(stats, 3600000);
    json_t *o = json_object_get(q, "overall");
    cr_assert_eq(json_integer_value(json_object_get(o, "pairs")), 4);
    cr_assert_float_eq(json_real_value(json_object_get(o, "agreement")), 0.75, 1e-9);
    /* labels accept (5 of 8 votes) and reject:spam: p_o .75, p_e = .75*.5+.25*.5 = .5 */
    cr_assert_float_eq(json_real_value(json_object_get(o, "kappa")), 0.5, 1e-3);
    json_t *r1 = json_array_get(json_object_get(q, "reviewers"), 0);
    cr_assert_float_eq(json_real_value(json_object_get(r1, "per_hour")), 60.0, 1e-9);
    cr_assert_eq(json_integer_value(json_object_get(r1, "pairs")), 3);
    json_t *r2 = json_array_get(json_object_get(q, "reviewers"), 1);
    /* 10 actions in one second counts as one minute of work: 600 an hour */
    cr_assert_float_eq(json_real_value(json_object_get(r2, "per_hour_active")), 600.0, 1e-9);
    cr_assert_eq(json_array_size(json_object_get(q, "labels")), 2);
    json_decref(q);
    json_decref(stats);
}

/* The corpus codec's C API: typed values <-> "go test fuzz v1" entries. Expected texts are the
 * lines real Go writes (GO-FUZZ-FACTS.md section 5; the Rust tests check the same against the
 * Go toolchain itself). */
#define _GNU_SOURCE
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gofuzz_shm.h"

/* Encodes into a malloc'd NUL-terminated string, using the size query first. */
static char *encode(const shm_corpus_value_t *values, size_t count) {
    size_t need = 0;
    shm_status_t st = shm_corpus_encode(values, count, NULL, 0, &need);
    assert_true(st == SHM_ERR_TOO_LARGE || (st == SHM_OK && need == 0));
    char *out = malloc(need + 1);
    size_t len = 0;
    assert_int_equal(shm_corpus_encode(values, count, (uint8_t *)out, need, &len), SHM_OK);
    assert_int_equal(len, need);
    out[len] = '\0';
    return out;
}

static shm_corpus_value_t value_of(shm_corpus_kind_t kind) {
    shm_corpus_value_t v;
    memset(&v, 0, sizeof v);
    v.kind = (uint32_t)kind;
    return v;
}

static shm_corpus_value_t bytes_value(shm_corpus_kind_t kind, const void *data, size_t len) {
    shm_corpus_value_t v = value_of(kind);
    v.bytes = data;
    v.bytes_len = len;
    return v;
}

static uint64_t bits64(double d) {
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

static uint32_t bits32(float f) {
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}

static double double_from_bits(uint64_t b) {
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static float float_from_bits(uint32_t b) {
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

static void test_encode_bytes_like_go(void **state) {
    (void)state;
    const uint8_t data[] = {0x7f, 0xc2, 0xa0};
    const char *expected = "go test fuzz v1\n[]byte(\"\\x7f\\u00a0\")\n";
    uint8_t out[64];
    size_t len = 0;
    assert_int_equal(shm_corpus_encode_bytes(data, sizeof data, out, sizeof out, &len), SHM_OK);
    assert_int_equal(len, strlen(expected));
    assert_memory_equal(out, expected, len);

    size_t need = 0;
    assert_int_equal(shm_corpus_encode_bytes(data, sizeof data, NULL, 0, &need),
                     SHM_ERR_TOO_LARGE);
    assert_int_equal(need, strlen(expected));
    uint8_t small[8] = {0};
    assert_int_equal(shm_corpus_encode_bytes(data, sizeof data, small, sizeof small, &need),
                     SHM_ERR_TOO_LARGE);
    assert_int_equal(small[0], 0); /* nothing written */

    assert_int_equal(shm_corpus_encode_bytes(NULL, 0, out, sizeof out, &len), SHM_OK);
    assert_memory_equal(out, "go test fuzz v1\n[]byte(\"\")\n", len);
    assert_int_equal(shm_corpus_encode_bytes(NULL, 1, out, sizeof out, &len), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_corpus_encode_bytes(data, 1, out, sizeof out, NULL), SHM_ERR_NULL_ARG);
}

static void test_encode_lines_like_go(void **state) {
    (void)state;
    shm_corpus_value_t v[12];
    v[0] = value_of(SHM_CORPUS_INT8);
    v[0].int_value = -128;
    v[1] = value_of(SHM_CORPUS_UINT64);
    v[1].uint_value = UINT64_MAX;
    v[2] = value_of(SHM_CORPUS_INT);
    v[2].int_value = -5;
    v[3] = value_of(SHM_CORPUS_BOOL);
    v[3].bool_value = true;
    v[4] = value_of(SHM_CORPUS_FLOAT64);
    v[4].float64_value = INFINITY;
    v[5] = value_of(SHM_CORPUS_FLOAT64);
    v[5].float64_value = double_from_bits(0x7ff8000000000002u);
    v[6] = value_of(SHM_CORPUS_BYTE);
    v[6].uint_value = 0;
    v[7] = value_of(SHM_CORPUS_RUNE);
    v[7].int_value = 0x1F600;
    v[8] = value_of(SHM_CORPUS_FLOAT64);
    v[8].float64_value = -0.0;
    v[9] = value_of(SHM_CORPUS_FLOAT32);
    v[9].float32_value = 0.1f;
    const char *s = "tab\there \x00 \xff";
    v[10] = bytes_value(SHM_CORPUS_STRING, s, 12);
    v[11] = value_of(SHM_CORPUS_FLOAT64);
    v[11].float64_value = 1e21;
    char *entry = encode(v, 12);
    assert_string_equal(entry, "go test fuzz v1\n"
                               "int8(-128)\n"
                               "uint64(18446744073709551615)\n"
                               "int(-5)\n"
                               "bool(true)\n"
                               "float64(+Inf)\n"
                               "math.Float64frombits(0x7ff8000000000002)\n"
                               "byte('\\x00')\n"
                               "rune('\xf0\x9f\x98\x80')\n"
                               "float64(-0)\n"
                               "float32(0.1)\n"
                               "string(\"tab\\there \\x00 \\xff\")\n"
                               "float64(1e+21)\n");
    free(entry);
}

/* What Go's encoding makes of a kind: uint8 is written byte(...); a valid rune or int32 is
 * written rune('...'), an invalid one int32(...). The value's bits never change. */
static uint32_t kind_after_round_trip(const shm_corpus_value_t *v) {
    int64_t r = v->int_value;
    bool valid_rune = r >= 0 && r <= 0x10FFFF && !(r >= 0xD800 && r <= 0xDFFF);
    switch (v->kind) {
    case SHM_CORPUS_UINT8: return SHM_CORPUS_BYTE;
    case SHM_CORPUS_RUNE:
    case SHM_CORPUS_INT32: return valid_rune ? SHM_CORPUS_RUNE : SHM_CORPUS_INT32;
    default: return v->kind;
    }
}

static void test_every_kind_round_trips_bit_for_bit(void **state) {
    (void)state;
    const uint8_t all_bytes[4] = {0x00, 0xff, '"', '\n'};
    shm_corpus_value_t in[17];
    in[0] = bytes_value(SHM_CORPUS_BYTES, all_bytes, sizeof all_bytes);
    in[1] = bytes_value(SHM_CORPUS_STRING, "\xc3\x28 invalid utf-8", 17);
    in[2] = value_of(SHM_CORPUS_BOOL);
    in[2].bool_value = true;
    in[3] = value_of(SHM_CORPUS_BYTE);
    in[3].uint_value = 0xff;
    in[4] = value_of(SHM_CORPUS_RUNE);
    in[4].int_value = 0xD800; /* a surrogate: not a valid rune, written as int32(...) */
    in[5] = value_of(SHM_CORPUS_INT);
    in[5].int_value = INT64_MIN;
    in[6] = value_of(SHM_CORPUS_INT8);
    in[6].int_value = 127;
    in[7] = value_of(SHM_CORPUS_INT16);
    in[7].int_value = -32768;
    in[8] = value_of(SHM_CORPUS_INT32);
    in[8].int_value = INT32_MIN;
    in[9] = value_of(SHM_CORPUS_INT64);
    in[9].int_value = INT64_MAX;
    in[10] = value_of(SHM_CORPUS_UINT);
    in[10].uint_value = UINT64_MAX;
    in[11] = value_of(SHM_CORPUS_UINT8);
    in[11].uint_value = 200;
    in[12] = value_of(SHM_CORPUS_UINT16);
    in[12].uint_value = 65535;
    in[13] = value_of(SHM_CORPUS_UINT32);
    in[13].uint_value = UINT32_MAX;
    in[14] = value_of(SHM_CORPUS_UINT64);
    in[14].uint_value = 1;
    in[15] = value_of(SHM_CORPUS_FLOAT32);
    in[15].float32_value = float_from_bits(0x7fc00001u); /* a NaN payload */
    in[16] = value_of(SHM_CORPUS_FLOAT64);
    in[16].float64_value = double_from_bits(1); /* the smallest subnormal */

    char *entry = encode(in, 17);
    shm_corpus_entry_t *decoded = NULL;
    assert_int_equal(shm_corpus_decode((const uint8_t *)entry, strlen(entry), &decoded), SHM_OK);
    free(entry);
    assert_int_equal(shm_corpus_entry_count(decoded), 17);
    for (size_t i = 0; i < 17; i++) {
        shm_corpus_value_t out;
        assert_int_equal(shm_corpus_entry_value(decoded, i, &out), SHM_OK);
        assert_int_equal(out.kind, kind_after_round_trip(&in[i]));
        assert_int_equal(out.bytes_len, in[i].bytes_len);
        if (in[i].bytes_len > 0) assert_memory_equal(out.bytes, in[i].bytes, in[i].bytes_len);
        assert_int_equal(out.int_value, in[i].int_value);
        assert_int_equal(out.uint_value, in[i].uint_value);
        assert_int_equal(out.bool_value, in[i].bool_value);
        assert_int_equal(bits64(out.float64_value), bits64(in[i].float64_value));
        assert_int_equal(bits32(out.float32_value), bits32(in[i].float32_value));
    }
    shm_corpus_entry_free(decoded);
}

static void test_rejected_values_name_their_index(void **state) {
    (void)state;
    shm_corpus_value_t v[2];
    v[0] = value_of(SHM_CORPUS_BOOL);
    v[1] = value_of(SHM_CORPUS_INT8);
    v[1].int_value = 128;
    size_t len = 99;
    assert_int_equal(shm_corpus_encode(v, 2, NULL, 0, &len), SHM_ERR_INVALID_ARG);
    assert_non_null(strstr(shm_last_error(), "value 1"));
    assert_non_null(strstr(shm_last_error(), "int8"));
    assert_int_equal(len, 99); /* untouched: nothing was encoded */

    v[1] = value_of((shm_corpus_kind_t)0);
    assert_int_equal(shm_corpus_encode(v, 2, NULL, 0, &len), SHM_ERR_INVALID_ARG);
    v[1].kind = 99;
    assert_int_equal(shm_corpus_encode(v, 2, NULL, 0, &len), SHM_ERR_INVALID_ARG);
    assert_non_null(strstr(shm_last_error(), "kind 99"));
    v[1] = value_of(SHM_CORPUS_BYTE);
    v[1].uint_value = 256;
    assert_int_equal(shm_corpus_encode(v, 2, NULL, 0, &len), SHM_ERR_INVALID_ARG);
    v[1] = bytes_value(SHM_CORPUS_BYTES, NULL, 3);
    assert_int_equal(shm_corpus_encode(v, 2, NULL, 0, &len), SHM_ERR_INVALID_ARG);
    assert_int_equal(shm_corpus_encode(NULL, 1, NULL, 0, &len), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_corpus_encode(NULL, 0, NULL, 0, &len), SHM_ERR_TOO_LARGE);
    assert_int_equal(len, strlen("go test fuzz v1\n"));
}

static void test_decode_errors_name_the_line(void **state) {
    (void)state;
    shm_corpus_entry_t *entry = (shm_corpus_entry_t *)0x1;
    const char *v2 = "go test fuzz v2\n";
    assert_int_equal(shm_corpus_decode((const uint8_t *)v2, strlen(v2), &entry),
                     SHM_ERR_INVALID_ARG);
    assert_non_null(strstr(shm_last_error(), "line 1"));
    const char *range = "go test fuzz v1\nint(1)\nint8(128)\n";
    assert_int_equal(shm_corpus_decode((const uint8_t *)range, strlen(range), &entry),
                     SHM_ERR_INVALID_ARG);
    assert_non_null(strstr(shm_last_error(), "line 3"));
    const char *uint8_char = "go test fuzz v1\nuint8('A')\n";
    assert_int_equal(shm_corpus_decode((const uint8_t *)uint8_char, strlen(uint8_char), &entry),
                     SHM_ERR_INVALID_ARG);
    assert_ptr_equal(entry, (shm_corpus_entry_t *)0x1); /* untouched */
    assert_int_equal(shm_corpus_decode(NULL, 0, &entry), SHM_ERR_INVALID_ARG);
    assert_int_equal(shm_corpus_decode(NULL, 5, &entry), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_corpus_decode((const uint8_t *)v2, 3, NULL), SHM_ERR_NULL_ARG);
}

static void test_decode_accepts_what_go_accepts(void **state) {
    (void)state;
    const char *text = "go test fuzz v1\r\n[]byte(`raw\\n`)\r\nint(0x_1F)\r\nfloat64(0x1p-2)\r\n";
    shm_corpus_entry_t *entry = NULL;
    assert_int_equal(shm_corpus_decode((const uint8_t *)text, strlen(text), &entry), SHM_OK);
    assert_int_equal(shm_corpus_entry_count(entry), 3);
    shm_corpus_value_t v;
    assert_int_equal(shm_corpus_entry_value(entry, 0, &v), SHM_OK);
    assert_int_equal(v.kind, SHM_CORPUS_BYTES);
    assert_int_equal(v.bytes_len, 5);
    assert_memory_equal(v.bytes, "raw\\n", 5);
    assert_int_equal(shm_corpus_entry_value(entry, 1, &v), SHM_OK);
    assert_int_equal(v.int_value, 31);
    assert_int_equal(shm_corpus_entry_value(entry, 2, &v), SHM_OK);
    assert_true(v.float64_value == 0.25);
    assert_int_equal(shm_corpus_entry_value(entry, 3, &v), SHM_ERR_INVALID_ARG);
    assert_int_equal(shm_corpus_entry_value(entry, 0, NULL), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_corpus_entry_value(NULL, 0, &v), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_corpus_entry_count(NULL), 0);
    shm_corpus_entry_free(entry);
    shm_corpus_entry_free(NULL);
}

static void test_entry_written_to_a_region_round_trips(void **state) {
    (void)state;
    shm_region_t *region = NULL;
    assert_int_equal(shm_create(64, &region), SHM_OK);
    uint8_t *area;
    size_t cap, len;
    assert_int_equal(shm_value_buffer(region, &area, &cap), SHM_OK);
    assert_int_equal(shm_corpus_encode_bytes((const uint8_t *)"hi", 2, area, cap, &len), SHM_OK);
    assert_int_equal(shm_set_value_len(region, len), SHM_OK);
    const uint8_t *view;
    assert_int_equal(shm_value_ref(region, &view, &len), SHM_OK);
    shm_corpus_entry_t *entry = NULL;
    assert_int_equal(shm_corpus_decode(view, len, &entry), SHM_OK);
    shm_corpus_value_t v;
    assert_int_equal(shm_corpus_entry_value(entry, 0, &v), SHM_OK);
    assert_int_equal(v.bytes_len, 2);
    assert_memory_equal(v.bytes, "hi", 2);
    shm_corpus_entry_free(entry);
    /* Too large for the region: the size query says how much is needed, nothing is written. */
    uint8_t big[100];
    memset(big, 'x', sizeof big);
    assert_int_equal(shm_corpus_encode_bytes(big, sizeof big, area, cap, &len), SHM_ERR_TOO_LARGE);
    assert_true(len > cap);
    assert_int_equal(shm_close(region), SHM_OK);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode_bytes_like_go),
        cmocka_unit_test(test_encode_lines_like_go),
        cmocka_unit_test(test_every_kind_round_trips_bit_for_bit),
        cmocka_unit_test(test_rejected_values_name_their_index),
        cmocka_unit_test(test_decode_errors_name_the_line),
        cmocka_unit_test(test_decode_accepts_what_go_accepts),
        cmocka_unit_test(test_entry_written_to_a_region_round_trips),
    };
    return cmocka_run_group_tests_name("gofuzz_shm corpus codec C API", tests, NULL, NULL);
}

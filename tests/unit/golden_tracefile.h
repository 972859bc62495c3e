/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/unit/golden_tracefile.h: expected outputs of test_tracefile.c. To review or update
 * them: LT_GOLDEN_DIR=/tmp/g build/host/tests/test_tracefile writes what the code prints.
 */

/* `lazytrace dump` of the noflush scenario with map probes (text, no colour) */
static const char GOLDEN_DUMP[] =
	"       0.000  sh/71                    1  enable  enter    depth 1  scenario_write+0x690\n"
	"       1.000  sh/71                    1      defer   pte x8   __set_ptes_anysz.constprop.0+0xd4\n"
	"       9.000  sh/71                    1      map     __kernel_map_pages pages=1 enable=1\n"
	"      10.000  sh/71                    1      map     set_memory_valid addr=0xffff000012345000 pages=1 enable=1\n"
	"      11.000  sh/71                    1    enable  nest     depth 2  update_range_prot+0x1e8\n"
	"      13.000  sh/71                    1        defer   pte x1   addr=0xffff000012345000 entry=0xffff0000c01048d0  pageattr_pte_entry+0x94\n"
	"      14.000  sh/71                    1    disable noflush  depth 1  update_range_prot+0x208\n"
	"      15.000  sh/71                    1      return  set_memory_valid addr=0xffff000012345000 pages=1\n"
	"      16.000  sh/71                    1      return  __kernel_map_pages addr=0xffff000012345000 pages=1\n"
	"      16.000  sh/71                    1  HAZARD potential addr=0xffff000012345000 section #2 (update_range_prot+0x1e8) deferred at pageattr_pte_entry+0x94, 3.000 us before returning to the caller\n"
	"      17.000  sh/71                    1      access  clear_page addr=0xffff000012345000\n"
	"      17.000  sh/71                    1  HAZARD confirmed addr=0xffff000012345000 section #2 (update_range_prot+0x1e8) deferred at pageattr_pte_entry+0x94, 4.000 us before clear_page\n"
	"                                              at clear_page+0x10\n"
	"                                              at update_range_prot+0x40\n"
	"                                              at scenario_write+0x6b0\n"
	"      18.000  sh/71                    1      defer   pte x5   __set_ptes_anysz.constprop.0+0xd4\n"
	"      23.000  sh/71                    1      flush   completes 14 deferred  scenario_write+0x6f0\n"
	"      24.000  sh/71                    1  disable leave    depth 0  scenario_write+0x6e0\n"
	"--- summary\n"
	"events            26\n"
	"sections          2 (1 nested, max depth 2)\n"
	"deferred updates  14\n"
	"flushes           1\n"
	"hazards           1 confirmed, 1 potential\n"
	"lost events       0\n"
	"anomalies         0\n";

/* `dump --format perfetto` of the small recording (a lost record in it) */
static const char GOLDEN_PERFETTO[] =
	"{\"traceEvents\":[\n"
	"{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":7,\"tid\":7,\"args\":{\"name\":\"t\"}},\n"
	"{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":7,\"tid\":7,\"args\":{\"name\":\"t\"}},\n"
	"{\"name\":\"scenario_write+0x690\",\"cat\":\"section\",\"ph\":\"B\",\"ts\":0.000,\"pid\":7,\"tid\":7,\"args\":{\"section\":1,\"action\":\"enter\",\"depth\":1}},\n"
	"{\"name\":\"pte update\",\"cat\":\"pte\",\"ph\":\"i\",\"ts\":1.000,\"pid\":7,\"tid\":7,\"s\":\"t\",\"args\":{\"addr\":\"0xffff000012345000\",\"entry\":\"0xffff0000c01048d0\",\"deferred\":false,\"site\":\"pageattr_pte_entry+0x0\"}},\n"
	"{\"name\":\"defer pte\",\"cat\":\"defer\",\"ph\":\"i\",\"ts\":2.000,\"pid\":7,\"tid\":7,\"s\":\"t\",\"args\":{\"addr\":\"0xffff000012345000\",\"entry\":\"0xffff0000c01048d0\",\"level\":\"pte\",\"site\":\"pageattr_pte_entry+0x94\",\"section\":1,\"depth\":1}},\n"
	"{\"name\":\"pending barriers\",\"ph\":\"C\",\"ts\":2.000,\"pid\":7,\"tid\":7,\"id\":7,\"args\":{\"pending\":1}},\n"
	"{\"name\":\"lost 42 events\",\"cat\":\"lost\",\"ph\":\"i\",\"ts\":2.999,\"pid\":0,\"tid\":0,\"s\":\"g\",\"args\":{\"count\":42}},\n"
	"{\"name\":\"lost\",\"cat\":\"lost\",\"ph\":\"i\",\"ts\":2.999,\"pid\":7,\"tid\":7,\"s\":\"t\",\"args\":{\"count\":42}},\n"
	"{\"name\":\"pending barriers\",\"ph\":\"C\",\"ts\":2.999,\"pid\":7,\"tid\":7,\"id\":7,\"args\":{\"pending\":0}},\n"
	"{\"name\":\"access clear_page\",\"cat\":\"access\",\"ph\":\"i\",\"ts\":3.000,\"pid\":7,\"tid\":7,\"s\":\"t\",\"args\":{\"addr\":\"0xffff000012345000\",\"site\":\"clear_page+0x0\"}},\n"
	"{\"name\":\"flush\",\"cat\":\"flush\",\"ph\":\"i\",\"ts\":4.000,\"pid\":7,\"tid\":7,\"s\":\"t\",\"args\":{\"count\":1,\"site\":\"scenario_write+0x6f0\",\"section\":1}},\n"
	"{\"name\":\"pending barriers\",\"ph\":\"C\",\"ts\":4.000,\"pid\":7,\"tid\":7,\"id\":7,\"args\":{\"pending\":0}},\n"
	"{\"name\":\"scenario_write+0x690\",\"cat\":\"section\",\"ph\":\"E\",\"ts\":5.000,\"pid\":7,\"tid\":7,\"args\":{\"section\":1,\"action\":\"leave\",\"site\":\"scenario_write+0x6e0\"}}\n"
	"],\"displayTimeUnit\":\"ns\",\"otherData\":{\"tool\":\"lazytrace\",\"events\":7,\"sections\":1,\"nested_sections\":0,\"max_depth\":1,\"deferred_ptes\":1,\"flushes\":1,\"hazards_confirmed\":0,\"hazards_potential\":0,\"lost_events\":42,\"anomalies\":1}}\n";

/* `dump --from 0.000012 --to 0.000016` of the noflush recording */
static const char GOLDEN_WINDOW[] =
	"       0.000  sh/71                    1    enable  nest     depth 2  update_range_prot+0x1e8\n"
	"       2.000  sh/71                    1        defer   pte x1   addr=0xffff000012345000 entry=0xffff0000c01048d0  pageattr_pte_entry+0x94\n"
	"       3.000  sh/71                    1    disable noflush  depth 1  update_range_prot+0x208\n"
	"       4.000  sh/71                    1      return  set_memory_valid addr=0xffff000012345000 pages=1\n"
	"--- summary\n"
	"events            5\n"
	"sections          1 (1 nested, max depth 2)\n"
	"deferred updates  1\n"
	"flushes           0\n"
	"hazards           0 confirmed, 0 potential\n"
	"lost events       0\n"
	"anomalies         0\n";

/* `stats` of seed 8 5 under nested (DIR: the test's directory) */
static const char GOLDEN_STATS_NESTED[] =
	"trace    DIR/nested.lt (complete)\n"
	"kernel   7.2.0-lazytrace aarch64, build id 0123456789abcdef0123456789abcdef01234567\n"
	"mode     tracepoints, nesting nested\n"
	"layout   not recorded (4K pages)\n"
	"\n"
	"events             23\n"
	"sections           2\n"
	"nested_sections    1\n"
	"max_depth          2\n"
	"deferred_ptes      14\n"
	"flushes            2\n"
	"hazards_confirmed  0\n"
	"hazards_potential  0\n"
	"lost_events        0\n"
	"lost_ring_full     0\n"
	"lost_recursion     0\n"
	"lost_evicted       0\n"
	"lost_kprobe_missed 0\n"
	"lost_kretprobe_missed 0\n"
	"lost_map_full      0\n"
	"lost_names         0\n"
	"gaps               0\n"
	"anomalies          0\n"
	"\n"
	"site                     sections  nested  deferred  flushes  mean pending   max pending  hazards\n"
	"scenario_write+0x690            1       0        13        1      5.769 us     11.000 us        0\n"
	"update_range_prot+0x1e8         1       1         1        1      1.000 us      1.000 us        0\n";

/* `stats --json` of seed 8 5 under flat */
static const char GOLDEN_STATS_FLAT_JSON[] =
	"{\"type\":\"stats\",\"by\":\"site\",\"trace\":{\"file\":\"DIR/flat.lt\",\"state\":\"complete\",\"release\":\"7.2.0-lazytrace\",\"build_id\":\"0123456789abcdef0123456789abcdef01234567\",\"machine\":\"aarch64\",\"mode\":\"tracepoints\",\"nesting\":\"flat\",\"page_size\":4096,\"layout\":\"\",\"redacted\":false,\"abi\":2,\"span_ns\":16000},\"events\":17,\"sections\":2,\"nested_sections\":1,\"max_depth\":2,\"deferred_ptes\":9,\"flushes\":1,\"hazards_confirmed\":0,\"hazards_potential\":0,\"lost_events\":0,\"lost_ring_full\":0,\"lost_recursion\":0,\"lost_evicted\":0,\"lost_kprobe_missed\":0,\"lost_kretprobe_missed\":0,\"lost_map_full\":0,\"lost_names\":0,\"gaps\":0,\"anomalies\":0,\"unfolded_events\":0,\"sites\":[{\"site\":\"scenario_write+0x690\",\"sections\":1,\"nested\":0,\"deferred_ptes\":8,\"flushes\":0,\"completed\":8,\"mean_pending_ns\":7500,\"max_pending_ns\":11000,\"hazards\":0,\"hazards_confirmed\":0,\"hazards_potential\":0},{\"site\":\"update_range_prot+0x1e8\",\"sections\":1,\"nested\":1,\"deferred_ptes\":1,\"flushes\":1,\"completed\":1,\"mean_pending_ns\":1000,\"max_pending_ns\":1000,\"hazards\":0,\"hazards_confirmed\":0,\"hazards_potential\":0}]}\n";

/* `compare nested.lt flat.lt`: flat defers 5 fewer (C is immediate) */
static const char GOLDEN_COMPARE[] =
	"A  1 run: 7.2.0-lazytrace build id 0123456789abcdef0123456789abcdef01234567, tracepoints, nesting nested\n"
	"   DIR/nested.lt (complete, 0.000 s)\n"
	"B  1 run: 7.2.0-lazytrace build id 0123456789abcdef0123456789abcdef01234567, tracepoints, nesting flat\n"
	"   DIR/flat.lt (complete, 0.000 s)\n"
	"\n"
	"sites lined up by site (one kernel build).\n"
	"One run on a side: no interval or test (record several runs a side).\n"
	"\n"
	"totals\n"
	"                               A       B     B-A   change\n"
	"  events                      23      17      -6   -26.1%\n"
	"  sections                     2       2      +0    +0.0%\n"
	"  nested_sections              1       1      +0    +0.0%\n"
	"  max_depth                    2       2      +0    +0.0%\n"
	"  deferred_ptes               14       9      -5   -35.7%\n"
	"  flushes                      2       1      -1   -50.0%\n"
	"  hazards_confirmed            0       0      +0        -\n"
	"  hazards_potential            0       0      +0        -\n"
	"  lost_events                  0       0      +0        -\n"
	"  lost_ring_full               0       0      +0        -\n"
	"  lost_recursion               0       0      +0        -\n"
	"  lost_evicted                 0       0      +0        -\n"
	"  lost_kprobe_missed           0       0      +0        -\n"
	"  lost_kretprobe_missed        0       0      +0        -\n"
	"  lost_map_full                0       0      +0        -\n"
	"  lost_names                   0       0      +0        -\n"
	"  gaps                         0       0      +0        -\n"
	"  anomalies                    0       0      +0        -\n"
	"  recording (s)            0.000   0.000  +0.000   -27.3%\n"
	"  sections /s              90909  125000  +34091   +37.5%\n"
	"  deferred PTEs /s        636364  562500  -73864   -11.6%\n"
	"  flushes /s               90909   62500  -28409   -31.2%\n"
	"  deferred PTEs /section   7.000   4.500  -2.500   -35.7%\n"
	"  flushes /section         1.000   0.500  -0.500   -50.0%\n"
	"\n"
	"site scenario_write+0x690\n"
	"  sections                     1       1      +0    +0.0%\n"
	"  nested                       0       0      +0        -\n"
	"  deferred PTEs               13       8      -5   -38.5%\n"
	"  flushes                      1       0      -1  -100.0%\n"
	"  mean pending (us)        5.769   7.500  +1.731   +30.0%\n"
	"  max pending (us)        11.000  11.000  +0.000    +0.0%\n"
	"  hazards                      0       0      +0        -\n"
	"  deferred PTEs /s        590909  500000  -90909   -15.4%\n"
	"  flushes /s               45455       0  -45455  -100.0%\n"
	"  deferred PTEs /section  13.000   8.000  -5.000   -38.5%\n"
	"  flushes /section         1.000   0.000  -1.000  -100.0%\n"
	"\n"
	"site update_range_prot+0x1e8\n"
	"  sections                     1       1      +0    +0.0%\n"
	"  nested                       1       1      +0    +0.0%\n"
	"  deferred PTEs                1       1      +0    +0.0%\n"
	"  flushes                      1       1      +0    +0.0%\n"
	"  mean pending (us)        1.000   1.000  +0.000    +0.0%\n"
	"  max pending (us)         1.000   1.000  +0.000    +0.0%\n"
	"  hazards                      0       0      +0        -\n"
	"  deferred PTEs /s         45455   62500  +17045   +37.5%\n"
	"  flushes /s               45455   62500  +17045   +37.5%\n"
	"  deferred PTEs /section   1.000   1.000  +0.000    +0.0%\n"
	"  flushes /section         1.000   1.000  +0.000    +0.0%\n";

/* `compare --json nested.lt flat.lt` */
static const char GOLDEN_COMPARE_JSON[] =
	"{\"type\":\"compare\",\"by\":\"site\",\"test\":\"welch\",\"confidence\":0.95,\"mixed_kernels\":{\"a\":false,\"b\":false},\"a\":[{\"file\":\"DIR/nested.lt\",\"state\":\"complete\",\"release\":\"7.2.0-lazytrace\",\"build_id\":\"0123456789abcdef0123456789abcdef01234567\",\"machine\":\"aarch64\",\"mode\":\"tracepoints\",\"nesting\":\"nested\",\"page_size\":4096,\"layout\":\"\",\"redacted\":false,\"abi\":2,\"span_ns\":22000}],\"b\":[{\"file\":\"DIR/flat.lt\",\"state\":\"complete\",\"release\":\"7.2.0-lazytrace\",\"build_id\":\"0123456789abcdef0123456789abcdef01234567\",\"machine\":\"aarch64\",\"mode\":\"tracepoints\",\"nesting\":\"flat\",\"page_size\":4096,\"layout\":\"\",\"redacted\":false,\"abi\":2,\"span_ns\":16000}],\"totals\":{\"events\":{\"a\":{\"n\":1,\"mean\":23,\"sd\":null,\"min\":23,\"max\":23},\"b\":{\"n\":1,\"mean\":17,\"sd\":null,\"min\":17,\"max\":17},\"delta\":-6,\"ratio\":0.7391304347826086,\"change\":-0.2608695652173913,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"sections\":{\"a\":{\"n\":1,\"mean\":2,\"sd\":null,\"min\":2,\"max\":2},\"b\":{\"n\":1,\"mean\":2,\"sd\":null,\"min\":2,\"max\":2},\"delta\":0,\"ratio\":1,\"change\":0,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"nested_sections\":{\"a\":{\"n\":1,\"mean\":1,\"sd\":null,\"min\":1,\"max\":1},\"b\":{\"n\":1,\"mean\":1,\"sd\":null,\"min\":1,\"max\":1},\"delta\":0,\"ratio\":1,\"change\":0,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"max_depth\":{\"a\":{\"n\":1,\"mean\":2,\"sd\":null,\"min\":2,\"max\":2},\"b\":{\"n\":1,\"mean\":2,\"sd\":null,\"min\":2,\"max\":2},\"delta\":0,\"ratio\":1,\"change\":0,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"deferred_ptes\":{\"a\":{\"n\":1,\"mean\":14,\"sd\":null,\"min\":14,\"max\":14},\"b\":{\"n\":1,\"mean\":9,\"sd\":null,\"min\":9,\"max\":9},\"delta\":-5,\"ratio\":0.6428571428571429,\"change\":-0.35714285714285715,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"flushes\":{\"a\":{\"n\":1,\"mean\":2,\"sd\":null,\"min\":2,\"max\":2},\"b\":{\"n\":1,\"mean\":1,\"sd\":null,\"min\":1,\"max\":1},\"delta\":-1,\"ratio\":0.5,\"change\":-0.5,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"hazards_confirmed\":{\"a\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"b\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"delta\":0,\"ratio\":null,\"change\":null,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"hazards_potential\":{\"a\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"b\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"delta\":0,\"ratio\":null,\"change\":null,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"lost_events\":{\"a\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"b\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"delta\":0,\"ratio\":null,\"change\":null,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"lost_ring_full\":{\"a\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"b\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"delta\":0,\"ratio\":null,\"change\":null,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"lost_recursion\":{\"a\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"b\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"delta\":0,\"ratio\":null,\"change\":null,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"lost_evicted\":{\"a\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"b\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"delta\":0,\"ratio\":null,\"change\":null,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"lost_kprobe_missed\":{\"a\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"b\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"delta\":0,\"ratio\":null,\"change\":null,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"lost_kretprobe_missed\":{\"a\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"b\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"delta\":0,\"ratio\":null,\"change\":null,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"lost_map_full\":{\"a\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"b\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"delta\":0,\"ratio\":null,\"change\":null,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"lost_names\":{\"a\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"b\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"delta\":0,\"ratio\":null,\"change\":null,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"gaps\":{\"a\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"b\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"delta\":0,\"ratio\":null,\"change\":null,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"anomalies\":{\"a\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"b\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"delta\":0,\"ratio\":null,\"change\":null,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"span_s\":{\"a\":{\"n\":1,\"mean\":2.2e-05,\"sd\":null,\"min\":2.2e-05,\"max\":2.2e-05},\"b\":{\"n\":1,\"mean\":1.6e-05,\"sd\":null,\"min\":1.6e-05,\"max\":1.6e-05},\"delta\":-6e-06,\"ratio\":0.7272727272727273,\"change\":-0.27272727272727276,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"sections_per_s\":{\"a\":{\"n\":1,\"mean\":90909.09090909091,\"sd\":null,\"min\":90909.09090909091,\"max\":90909.09090909091},\"b\":{\"n\":1,\"mean\":125000,\"sd\":null,\"min\":125000,\"max\":125000},\"delta\":34090.90909090909,\"ratio\":1.375,\"change\":0.37499999999999994,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"deferred_ptes_per_s\":{\"a\":{\"n\":1,\"mean\":636363.6363636364,\"sd\":null,\"min\":636363.6363636364,\"max\":636363.6363636364},\"b\":{\"n\":1,\"mean\":562500,\"sd\":null,\"min\":562500,\"max\":562500},\"delta\":-73863.63636363635,\"ratio\":0.8839285714285714,\"change\":-0.11607142857142856,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"flushes_per_s\":{\"a\":{\"n\":1,\"mean\":90909.09090909091,\"sd\":null,\"min\":90909.09090909091,\"max\":90909.09090909091},\"b\":{\"n\":1,\"mean\":62500,\"sd\":null,\"min\":62500,\"max\":62500},\"delta\":-28409.09090909091,\"ratio\":0.6875,\"change\":-0.3125,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"deferred_ptes_per_section\":{\"a\":{\"n\":1,\"mean\":7,\"sd\":null,\"min\":7,\"max\":7},\"b\":{\"n\":1,\"mean\":4.5,\"sd\":null,\"min\":4.5,\"max\":4.5},\"delta\":-2.5,\"ratio\":0.6428571428571429,\"change\":-0.35714285714285715,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"flushes_per_section\":{\"a\":{\"n\":1,\"mean\":1,\"sd\":null,\"min\":1,\"max\":1},\"b\":{\"n\":1,\"mean\":0.5,\"sd\":null,\"min\":0.5,\"max\":0.5},\"delta\":-0.5,\"ratio\":0.5,\"change\":-0.5,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"}},\"sites\":[{\"site\":\"scenario_write+0x690\",\"in\":\"both\",\"sections\":{\"a\":{\"n\":1,\"mean\":1,\"sd\":null,\"min\":1,\"max\":1},\"b\":{\"n\":1,\"mean\":1,\"sd\":null,\"min\":1,\"max\":1},\"delta\":0,\"ratio\":1,\"change\":0,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"nested\":{\"a\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"b\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"delta\":0,\"ratio\":null,\"change\":null,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"deferred_ptes\":{\"a\":{\"n\":1,\"mean\":13,\"sd\":null,\"min\":13,\"max\":13},\"b\":{\"n\":1,\"mean\":8,\"sd\":null,\"min\":8,\"max\":8},\"delta\":-5,\"ratio\":0.6153846153846154,\"change\":-0.38461538461538464,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"flushes\":{\"a\":{\"n\":1,\"mean\":1,\"sd\":null,\"min\":1,\"max\":1},\"b\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"delta\":-1,\"ratio\":0,\"change\":-1,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"mean_pending_ns\":{\"a\":{\"n\":1,\"mean\":5769,\"sd\":null,\"min\":5769,\"max\":5769},\"b\":{\"n\":1,\"mean\":7500,\"sd\":null,\"min\":7500,\"max\":7500},\"delta\":1731,\"ratio\":1.3000520020800832,\"change\":0.3000520020800832,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"max_pending_ns\":{\"a\":{\"n\":1,\"mean\":11000,\"sd\":null,\"min\":11000,\"max\":11000},\"b\":{\"n\":1,\"mean\":11000,\"sd\":null,\"min\":11000,\"max\":11000},\"delta\":0,\"ratio\":1,\"change\":0,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"hazards\":{\"a\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"b\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"delta\":0,\"ratio\":null,\"change\":null,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"deferred_ptes_per_s\":{\"a\":{\"n\":1,\"mean\":590909.0909090909,\"sd\":null,\"min\":590909.0909090909,\"max\":590909.0909090909},\"b\":{\"n\":1,\"mean\":500000,\"sd\":null,\"min\":500000,\"max\":500000},\"delta\":-90909.09090909094,\"ratio\":0.8461538461538461,\"change\":-0.15384615384615388,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"flushes_per_s\":{\"a\":{\"n\":1,\"mean\":45454.545454545456,\"sd\":null,\"min\":45454.545454545456,\"max\":45454.545454545456},\"b\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"delta\":-45454.545454545456,\"ratio\":0,\"change\":-1,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"deferred_ptes_per_section\":{\"a\":{\"n\":1,\"mean\":13,\"sd\":null,\"min\":13,\"max\":13},\"b\":{\"n\":1,\"mean\":8,\"sd\":null,\"min\":8,\"max\":8},\"delta\":-5,\"ratio\":0.6153846153846154,\"change\":-0.38461538461538464,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"flushes_per_section\":{\"a\":{\"n\":1,\"mean\":1,\"sd\":null,\"min\":1,\"max\":1},\"b\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"delta\":-1,\"ratio\":0,\"change\":-1,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"}},{\"site\":\"update_range_prot+0x1e8\",\"in\":\"both\",\"sections\":{\"a\":{\"n\":1,\"mean\":1,\"sd\":null,\"min\":1,\"max\":1},\"b\":{\"n\":1,\"mean\":1,\"sd\":null,\"min\":1,\"max\":1},\"delta\":0,\"ratio\":1,\"change\":0,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"nested\":{\"a\":{\"n\":1,\"mean\":1,\"sd\":null,\"min\":1,\"max\":1},\"b\":{\"n\":1,\"mean\":1,\"sd\":null,\"min\":1,\"max\":1},\"delta\":0,\"ratio\":1,\"change\":0,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"deferred_ptes\":{\"a\":{\"n\":1,\"mean\":1,\"sd\":null,\"min\":1,\"max\":1},\"b\":{\"n\":1,\"mean\":1,\"sd\":null,\"min\":1,\"max\":1},\"delta\":0,\"ratio\":1,\"change\":0,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"flushes\":{\"a\":{\"n\":1,\"mean\":1,\"sd\":null,\"min\":1,\"max\":1},\"b\":{\"n\":1,\"mean\":1,\"sd\":null,\"min\":1,\"max\":1},\"delta\":0,\"ratio\":1,\"change\":0,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"mean_pending_ns\":{\"a\":{\"n\":1,\"mean\":1000,\"sd\":null,\"min\":1000,\"max\":1000},\"b\":{\"n\":1,\"mean\":1000,\"sd\":null,\"min\":1000,\"max\":1000},\"delta\":0,\"ratio\":1,\"change\":0,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"max_pending_ns\":{\"a\":{\"n\":1,\"mean\":1000,\"sd\":null,\"min\":1000,\"max\":1000},\"b\":{\"n\":1,\"mean\":1000,\"sd\":null,\"min\":1000,\"max\":1000},\"delta\":0,\"ratio\":1,\"change\":0,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"hazards\":{\"a\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"b\":{\"n\":1,\"mean\":0,\"sd\":null,\"min\":0,\"max\":0},\"delta\":0,\"ratio\":null,\"change\":null,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"deferred_ptes_per_s\":{\"a\":{\"n\":1,\"mean\":45454.545454545456,\"sd\":null,\"min\":45454.545454545456,\"max\":45454.545454545456},\"b\":{\"n\":1,\"mean\":62500,\"sd\":null,\"min\":62500,\"max\":62500},\"delta\":17045.454545454544,\"ratio\":1.375,\"change\":0.37499999999999994,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"flushes_per_s\":{\"a\":{\"n\":1,\"mean\":45454.545454545456,\"sd\":null,\"min\":45454.545454545456,\"max\":45454.545454545456},\"b\":{\"n\":1,\"mean\":62500,\"sd\":null,\"min\":62500,\"max\":62500},\"delta\":17045.454545454544,\"ratio\":1.375,\"change\":0.37499999999999994,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"deferred_ptes_per_section\":{\"a\":{\"n\":1,\"mean\":1,\"sd\":null,\"min\":1,\"max\":1},\"b\":{\"n\":1,\"mean\":1,\"sd\":null,\"min\":1,\"max\":1},\"delta\":0,\"ratio\":1,\"change\":0,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"},\"flushes_per_section\":{\"a\":{\"n\":1,\"mean\":1,\"sd\":null,\"min\":1,\"max\":1},\"b\":{\"n\":1,\"mean\":1,\"sd\":null,\"min\":1,\"max\":1},\"delta\":0,\"ratio\":1,\"change\":0,\"change_lo\":null,\"change_hi\":null,\"stat\":null,\"df\":null,\"p\":null,\"verdict\":\"untested\"}}]}\n";

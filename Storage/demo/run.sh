#!/bin/sh
# Demo: a fresh database, a realistic autumn of applications, and the deadline board.
# Called by `make demo` with BIN (the program), DB (a scratch database) and AS_OF (the board date).
set -eu
: "${BIN:?}" "${DB:?}" "${AS_OF:?}"
here=$(dirname "$0")
d() { "$BIN" --db "$DB" "$@"; }

d init --agency "示范市人民政府办公室" --code DEMO-GOV
export DISCLOSURE_ACTOR="王科员"
grep -v '^#' "$here/applications.tsv" | while IFS='	' read -r received channel applicant type request contact; do
    d register --received "$received" --channel "$channel" --applicant "$applicant" --applicant-type "$type" \
        --request "$request" --contact "$contact" --as-of "$AS_OF" >/dev/null
done

# Some cases have moved on since intake: the everyday work of the office.
a="--as-of $AS_OF"
s() { d "$@" $a >/dev/null; }
# 2026-000001: unclear, corrected, a third party consulted, extended, replied and delivered.
s correction request 2026-000001 --on 2026-09-22 --items "请写明征收地块的名称或批文号" --period 10
s correction receive 2026-000001 --on 2026-10-09
s consult send 2026-000001 --party third-party --to "某置业有限公司" --on 2026-10-12
s consult answer 2026-000001 --on 2026-10-20 --opinion object
s extend 2026-000001 --days 10 --approved-by "李主任" --reason "涉及三个部门，需调取历史档案" --on 2026-10-21
s reply draft 2026-000001 --outcome 2 --on 2026-11-16 --basis "补偿明细中涉及第三方个人信息的部分不予公开（条例第十五条），其余予以公开"
s reply review 2026-000001 --approve --on 2026-11-17 --actor "李主任"
s reply issue 2026-000001 --on 2026-11-18
s deliver 2026-000001 --on 2026-11-19 --method post
# 2026-000002: disclosed, delivered and archived.
s reply draft 2026-000002 --outcome 1 --on 2026-10-20 --basis "已在区政府门户网站“政府信息公开—重大建设项目”栏目公开"
s reply review 2026-000002 --approve --on 2026-10-21 --actor "李主任"
s reply issue 2026-000002 --on 2026-10-22
s deliver 2026-000002 --on 2026-10-23 --method post
s archive 2026-000002 --on 2026-10-26
# 2026-000003: the co-producing agency was consulted and agreed.
s consult send 2026-000003 --party agency --to "市财政局" --on 2026-10-09
s consult answer 2026-000003 --on 2026-10-28 --opinion agree
# 2026-000004: extension approved before the due date.
s extend 2026-000004 --days 15 --approved-by "李主任" --reason "需会同规划部门核查论证材料" --on 2026-11-04
# 2026-000005: correction requested, the applicant has not answered.
s correction request 2026-000005 --on 2026-10-14 --items "请说明所需稽核结论的年度和单位名称" --period 10
# 2026-000006: a third party consulted, its 15 working days still running.
s consult send 2026-000006 --party third-party --to "某房地产开发有限公司" --on 2026-11-02
# 2026-000007: a fee for 300 pages, paid.
s fee notice 2026-000007 --on 2026-10-26 --pages 300
s fee paid 2026-000007 --on 2026-11-03
# 2026-000009: reply drafted, waiting for review.
s reply draft 2026-000009 --outcome 4.1 --on 2026-11-18 --basis "经检索，本机关未制作或获取该信息" --refer-to "区自然资源局，电话 020-12345678"
# 2026-000011: the applicant withdrew.
s withdraw 2026-000011 --on 2026-11-05
# 2026-000013: many applications at once; a later reply date was set (art. 35).
s defer 2026-000013 --until 2027-01-15 --reason "同一申请人短期内提出大量申请，需逐件检索" --on 2026-11-18
# 2026-000014: the same applicant asked again for what was answered.
s reply draft 2026-000014 --outcome 5.2 --on 2026-11-10 --basis "本机关已于2026年11月就2026-000004号申请作出答复"
s reply review 2026-000014 --approve --on 2026-11-11 --actor "李主任"
s reply issue 2026-000014 --on 2026-11-12

# The applicant of 2026-000002 sought 行政复议 against the reply; it was upheld.
s remedy file 2026-000002 --kind reconsideration --body "示范市人民政府" --on 2026-11-02
s remedy decide 2026-000002 --result upheld --on 2026-11-19

# One of every notice, as print-ready HTML, beside the database.
out=$(dirname "$DB")/notices
mkdir -p "$out"
for pair in receipt:2026-000021 correction:2026-000005 consultation:2026-000006 extension:2026-000004 \
            deferral:2026-000013 fee:2026-000007 reply:2026-000001; do
    kind=${pair%%:*}; case=${pair#*:}
    d notice "$case" --kind "$kind" --date "$AS_OF" --reconsideration-body "示范市人民政府" \
        --how-to-pay "请至本机关政务服务中心窗口缴纳" --out "$out/$kind-$case.html" 2>/dev/null
done
echo "告知书样张：$out/"

echo
d due --as-of "$AS_OF"
echo
echo "— 案件 2026-000007 的期限是怎样算出来的 —"
d show 2026-000007 --as-of "$AS_OF"

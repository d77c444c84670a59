#!/bin/sh
# Demo: a fresh database, a realistic autumn of applications, and the deadline board.
# Called by `make demo` with BIN (the program), DB (a scratch database) and AS_OF (the board date).
# Needs faketime (make deps installs it).
set -eu
: "${BIN:?}" "${DB:?}" "${AS_OF:?}"
here=$(dirname "$0")
d() { "$BIN" --db "$DB" "$@"; }

# Every step is entered on the day it happened, as an office working through the autumn would: the
# clock is set to that day from outside (Debian's faketime), and each officer signs in with their own
# account that day. The program itself takes today only from the system clock.
export FAKETIME_DONT_FAKE_MONOTONIC=1 TZ=Asia/Shanghai
cfg=$(dirname "$DB")/config
password="demo-password-1"
# as ACTOR DAY COMMAND...: ACTOR signs in on DAY (unless already signed in that day) and runs the command.
as() {
    actor=$1 day=$2; shift 2
    export XDG_CONFIG_HOME="$cfg/$actor"
    if [ "$(cat "$cfg/$actor.day" 2>/dev/null)" != "$day" ]; then
        echo "$password" | faketime "$day 09:00:00" "$BIN" --db "$DB" login "$actor" --password-stdin >/dev/null
        echo "$day" > "$cfg/$actor.day"
    fi
    faketime "$day 09:00:00" "$BIN" --db "$DB" "$@" >/dev/null
}

rm -rf "$cfg"
mkdir -p "$cfg"
export XDG_CONFIG_HOME="$cfg/admin"
echo "$password" | d init --agency "示范市人民政府办公室" --code DEMO-GOV --admin "系统管理员" --password-stdin >/dev/null
echo "$password" | d staff add "王科员" --role registrar,handler --password-stdin >/dev/null
echo "$password" | d staff add "李主任" --role reviewer,head --password-stdin >/dev/null
# The office's prefix of document numbers (文号): 示范府信公答〔2026〕第1号 and so on.
d office letter-prefix "示范府信公" >/dev/null
# Every registration and step goes into one schedule, day by day in the order they happened, as the
# office would enter them: the recording times and the document numbers (文号) follow that order.
schedule=$(mktemp)
trap 'rm -f "$schedule"' EXIT
grep -v '^#' "$here/applications.tsv" | while IFS='	' read -r received channel applicant type request contact; do
    printf '%s\tas 王科员 %s register --received %s --channel %s --applicant "%s" --applicant-type %s --request "%s" --contact "%s"\n' \
        "$received" "$received" "$received" "$channel" "$applicant" "$type" "$request" "$contact" >> "$schedule"
done

# Some cases have moved on since intake: the everyday work of the office.
# 2026-000001: unclear, corrected, a third party consulted, extended, replied and delivered.
# 2026-000002: disclosed, delivered and archived.
# 2026-000003: the co-producing agency was consulted and agreed.
# 2026-000004: extension approved before the due date.
# 2026-000005: correction requested, the applicant has not answered.
# 2026-000006: a third party consulted, its 15 working days still running.
# 2026-000007: a fee for 300 pages, paid.
# 2026-000009: reply drafted, waiting for review.
# 2026-000011: the applicant withdrew.
# 2026-000013: many applications at once; a later reply date was set (art. 35).
# 2026-000014: the same applicant asked again for what was answered.
# 2026-000004 goes to the handler who will see it through.
# The applicant of 2026-000002 sought 行政复议 against the reply; it was upheld.
cat >> "$schedule" <<'STEPS'
2026-09-22	as 王科员 2026-09-22 correction request 2026-000001 --on 2026-09-22 --items "请写明征收地块的名称或批文号" --period 10
2026-10-09	as 王科员 2026-10-09 correction receive 2026-000001 --on 2026-10-09
2026-10-09	as 王科员 2026-10-09 consult send 2026-000003 --party agency --to "市财政局" --on 2026-10-09
2026-10-12	as 王科员 2026-10-12 consult send 2026-000001 --party third-party --to "某置业有限公司" --on 2026-10-12
2026-10-14	as 王科员 2026-10-14 correction request 2026-000005 --on 2026-10-14 --items "请说明所需稽核结论的年度和单位名称" --period 10
2026-10-20	as 王科员 2026-10-20 consult answer 2026-000001 --on 2026-10-20 --opinion object
2026-10-20	as 王科员 2026-10-20 reply draft 2026-000002 --outcome 1 --on 2026-10-20 --basis "已在区政府门户网站“政府信息公开—重大建设项目”栏目公开"
2026-10-21	as 李主任 2026-10-21 extend 2026-000001 --days 10 --reason "涉及三个部门，需调取历史档案" --on 2026-10-21
2026-10-21	as 李主任 2026-10-21 reply review 2026-000002 --approve --on 2026-10-21
2026-10-22	as 李主任 2026-10-22 reply issue 2026-000002 --on 2026-10-22
2026-10-23	as 王科员 2026-10-23 deliver 2026-000002 --on 2026-10-23 --method post
2026-10-26	as 王科员 2026-10-26 archive 2026-000002 --on 2026-10-26
2026-10-26	as 王科员 2026-10-26 fee notice 2026-000007 --on 2026-10-26 --pages 300
2026-10-28	as 王科员 2026-10-28 consult answer 2026-000003 --on 2026-10-28 --opinion agree
2026-11-02	as 王科员 2026-11-02 consult send 2026-000006 --party third-party --to "某房地产开发有限公司" --on 2026-11-02
2026-11-02	as 李主任 2026-11-02 remedy file 2026-000002 --kind reconsideration --body "示范市人民政府" --on 2026-11-02
2026-11-03	as 王科员 2026-11-03 fee paid 2026-000007 --on 2026-11-03
2026-11-04	as 李主任 2026-11-04 extend 2026-000004 --days 15 --reason "需会同规划部门核查论证材料" --on 2026-11-04
2026-11-05	as 王科员 2026-11-05 withdraw 2026-000011 --on 2026-11-05
2026-11-10	as 王科员 2026-11-10 reply draft 2026-000014 --outcome 5.2 --on 2026-11-10 --basis "本机关已于2026年11月就2026-000004号申请作出答复"
2026-11-11	as 李主任 2026-11-11 reply review 2026-000014 --approve --on 2026-11-11
2026-11-12	as 李主任 2026-11-12 reply issue 2026-000014 --on 2026-11-12
2026-11-16	as 王科员 2026-11-16 reply draft 2026-000001 --outcome 2 --on 2026-11-16 --basis "补偿明细中涉及第三方个人信息的部分不予公开（条例第十五条），其余予以公开"
2026-11-17	as 李主任 2026-11-17 reply review 2026-000001 --approve --on 2026-11-17
2026-11-18	as 李主任 2026-11-18 reply issue 2026-000001 --on 2026-11-18
2026-11-18	as 王科员 2026-11-18 reply draft 2026-000009 --outcome 4.1 --on 2026-11-18 --basis "经检索，本机关未制作或获取该信息" --refer-to "区自然资源局，电话 020-12345678"
2026-11-18	as 李主任 2026-11-18 defer 2026-000013 --until 2027-01-15 --reason "同一申请人短期内提出大量申请，需逐件检索" --on 2026-11-18
2026-11-19	as 王科员 2026-11-19 deliver 2026-000001 --on 2026-11-19 --method post
2026-11-19	as 李主任 2026-11-19 remedy decide 2026-000002 --result upheld --on 2026-11-19
2026-11-20	as 李主任 2026-11-20 assign 2026-000004 王科员
STEPS
# sort -s keeps the written order within a day: a case's steps of one day stay in their order.
sort -s -t '	' -k1,1 "$schedule" | while IFS='	' read -r _ command; do eval "$command" < /dev/null; done

# One of every notice, as print-ready HTML, beside the database.
out=$(dirname "$DB")/notices
rm -rf "$out"
mkdir -p "$out"
for pair in receipt:2026-000021 correction:2026-000005 consultation:2026-000006 extension:2026-000004 \
            deferral:2026-000013 fee:2026-000007 reply:2026-000001 closing:2026-000011; do
    kind=${pair%%:*}; case=${pair#*:}
    d notice "$case" --kind "$kind" --reconsideration-body "示范市人民政府" \
        --how-to-pay "请至本机关政务服务中心窗口缴纳" --out "$out/$kind-$case.html"
done
echo "告知书样张：$out/"

echo
d due --as-of "$AS_OF"
echo
echo "— 案件 2026-000007 的期限是怎样算出来的 —"
d show 2026-000007 --as-of "$AS_OF"

# Where things are, and how to go on from here.
bin_dir=$(cd "$(dirname "$BIN")" && pwd)
echo
echo "— 接下来 · Next —"
echo "程序：$bin_dir/disclosure"
echo "演示数据库：$DB（演示账号的密码均为 $password；账号：系统管理员、王科员、李主任）"
echo "把 disclosure 加入 PATH：export PATH=\"$bin_dir:\$PATH\"（或 sudo make install）"
echo "然后：export DISCLOSURE_DB=\"$DB\"；disclosure login 王科员；disclosure due"
echo "Program: $bin_dir/disclosure · database: $DB · put it on PATH: export PATH=\"$bin_dir:\$PATH\""

# Sourced by tests/shell/*.sh: counts the cases. pass NAME prints "passed NAME"; fail NAME WHY prints
# "FAILED NAME: WHY". Each test ends with: echo "$passed passed, $failed failed" (the line run-tests adds up).
passed=0; failed=0
pass() { passed=$((passed + 1)); echo "passed $1"; }
fail() { failed=$((failed + 1)); echo "FAILED $1: $2"; }

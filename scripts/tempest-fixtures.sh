#!/usr/bin/env bash
# Creates what Tempest expects an operator to have set up, on a freshly started Nubis,
# and prints the configure.sh variables for it (one VAR=value per line on stdout):
#   TEMPEST_PUBLIC_NETWORK_ID  an external network "public" (flat, physnet "public") with
#                              subnet 172.24.4.0/24, when the network service answers.
# usage: tempest-fixtures.sh BASE_URL ADMIN_PASSWORD     (diagnostics go to stderr)
set -uo pipefail
BASE=${1:?base url}
PASSWORD=${2:?admin password}
export OS_AUTH_URL=$BASE/identity/v3 OS_IDENTITY_API_VERSION=3 OS_USERNAME=admin \
  OS_PASSWORD=$PASSWORD OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default \
  OS_PROJECT_DOMAIN_NAME=Default OS_REGION_NAME=RegionOne OS_INTERFACE=public

code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/networking/" || true)
if [[ $code == 200 ]]; then
  if net=$(openstack network create --external --provider-network-type flat \
    --provider-physical-network public public -f value -c id) && [[ -n $net ]] &&
    openstack subnet create --network "$net" --subnet-range 172.24.4.0/24 --no-dhcp \
      public-subnet -f value -c id >/dev/null; then
    echo "TEMPEST_PUBLIC_NETWORK_ID=$net"
  else
    echo "tempest-fixtures.sh: could not create the external network (floating-IP tests will skip)" >&2
  fi
fi
exit 0

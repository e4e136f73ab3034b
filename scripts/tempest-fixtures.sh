#!/usr/bin/env bash
# Creates what Tempest expects an operator to have set up, on a freshly started Nubis,
# and prints the configure.sh variables for it (one VAR=value per line on stdout):
#   TEMPEST_PUBLIC_NETWORK_ID  an external network "public" (flat, physnet "public") with
#                              subnet 172.24.4.0/24, when the network service answers.
#   TEMPEST_IMAGE_REF, TEMPEST_IMAGE_REF_ALT  two small public qcow2 images (made with
#                              qemu-img) for the compute tests, when the compute service answers.
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

code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/compute/" || true)
if [[ $code == 200 ]]; then
  img=$(mktemp /tmp/nubis-tempest-image.XXXXXX)
  if qemu-img create -q -f qcow2 "$img" 64M; then
    refs=()
    for name in nubis-tempest-image nubis-tempest-image-alt; do
      id=$(openstack image create --public --disk-format qcow2 --container-format bare \
        --file "$img" "$name" -f value -c id) && [[ -n $id ]] && refs+=("$id")
    done
    if [[ ${#refs[@]} == 2 ]]; then
      echo "TEMPEST_IMAGE_REF=${refs[0]}"
      echo "TEMPEST_IMAGE_REF_ALT=${refs[1]}"
    else
      echo "tempest-fixtures.sh: could not upload the compute test images" >&2
    fi
  fi
  rm -f "$img"
fi
exit 0

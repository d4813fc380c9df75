# cmake -DFILE=path -P write_sha256.cmake: writes FILE.sha256 in sha256sum's format ("HASH  NAME"), so the
# Java loader can name its extraction cache after the library without hashing 19 MB at every start.
file(SHA256 "${FILE}" hash)
get_filename_component(name "${FILE}" NAME)
file(WRITE "${FILE}.sha256" "${hash}  ${name}\n")

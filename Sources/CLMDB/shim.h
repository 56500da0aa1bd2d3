#ifndef WARDEN_CLMDB_SHIM_H
#define WARDEN_CLMDB_SHIM_H
#include <lmdb.h>
#endif

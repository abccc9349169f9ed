# The module graph: one line per folder. A module is every .cc directly in its folder.
# Add a module here when you add a folder; list only the modules it really uses.

# common: shared vocabulary (Status, labels, matchers, time, config, log, metrics, HTTP, LogQL syntax)
skald_module(common            common            DEPS ${SKALD_THIRD_PARTY})
find_package(OpenSSL REQUIRED)   # common/http: TLS on the HTTP server (docs/TLS.md)
skald_module(common_http       common/http       DEPS common Boost::headers OpenSSL::SSL)
skald_module(common_logql      common/logql      DEPS common)
skald_module(common_gotemplate common/gotemplate DEPS common skald_common_gotime)
skald_module(common_gotime     common/gotime     DEPS common)
skald_module(common_logql_log  common/logql/log  DEPS common_logql common_gotemplate)

# store: api -> ingest -> wal + head -> chunk + index -> query; retention, ruler, backup beside
skald_module(store_fs        store/fs        DEPS common)
skald_module(store_wal       store/wal       DEPS store_fs)
skald_module(store_chunk     store/chunk     DEPS store_fs)
skald_module(store_index     store/index     DEPS store_chunk)
skald_module(store_head      store/head      DEPS store_wal store_chunk store_index)
skald_module(store_ingest    store/ingest    DEPS common skald_proto)
skald_module(store_query     store/query     DEPS store_head common_logql_log)
skald_module(store_retention store/retention DEPS store_head common_logql_log)
skald_module(store_compactor store/compactor DEPS store_retention)
skald_module(store_backup    store/backup    DEPS store_head)
pkg_check_modules(EXPAT REQUIRED IMPORTED_TARGET expat)   # store/objstore: S3's XML responses
skald_module(store_objstore  store/objstore  DEPS store_fs PkgConfig::EXPAT)
skald_module(store_ruler     store/ruler     DEPS store_query common_logql common_gotemplate skald_proto)
skald_module(store_api       store/api       DEPS common_http store_ingest store_query store_backup store_ruler store_retention)
skald_module(store_auth      store/auth      DEPS common_http store_ingest crypt)
skald_module(store_cluster   store/cluster   DEPS store_api)   # read fan-out to write nodes (#22)
skald_module(store_shipper   store/shipper   DEPS store_head store_objstore store_retention store_compactor)   # bucket shipping (#22)
skald_module(store_app       store           DEPS store_api store_compactor store_auth store_cluster store_shipper)
# store/backup's bucket backup (#22) copies bucket objects and reads index objects (the config file
# is loaded by skald-store's main and handed over: no dependency on store_app).
target_link_libraries(skald_store_backup PUBLIC skald_store_shipper)
add_library(skald_store ALIAS skald_store_app)   # tests/store/*_test.cc → the store app module

# collector: discovery -> tail -> pipeline -> client
skald_module(collector_tail      collector/tail      DEPS common)
skald_module(collector_stages    collector/pipeline/stages DEPS common_logql common_gotemplate common_gotime common)
skald_module(collector_pipeline  collector/pipeline  DEPS collector_stages)
skald_module(collector_client    collector/client    DEPS common collector_tail skald_proto)
skald_module(collector_discovery collector/discovery DEPS common collector_client)  # uses client/curl_transport
skald_module(collector_app       collector           DEPS common_http collector_discovery collector_tail collector_pipeline collector_client)
add_library(skald_collector ALIAS skald_collector_app)  # tests/collector/*_test.cc → the app

# e2e: end-to-end tests drive the real binaries; they link both apps for shared test helpers.
add_library(skald_e2e INTERFACE)
target_link_libraries(skald_e2e INTERFACE skald_store_app skald_collector_app)

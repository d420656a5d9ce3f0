#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/* Swift cannot call a variadic C function: one error (with no added delay) onto a mock
   broker's error stack for ApiKey. */
static inline rd_kafka_resp_err_t sluice_mock_broker_push_error(
    rd_kafka_mock_cluster_t *cluster, int32_t broker, int16_t api_key, rd_kafka_resp_err_t error) {
    return rd_kafka_mock_broker_push_request_error_rtts(cluster, broker, api_key, 1, error, 0);
}

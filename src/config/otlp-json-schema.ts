/**
 * The JSON Schema of the `otlp:` section, shipped as config/schema/otlp.schema.json and
 * written by `npm run gen` (scripts/gen.mjs). Written out by hand beside the imperative
 * validator in otlp.ts, whose keys test/otlp/config.test.ts checks against it; once that
 * section is a spec like the rest, this becomes `toJsonSchema(OTLP_SPEC)`.
 */
export function otlpJsonSchema(): Record<string, unknown> {
  return {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "otlp.schema.json",
    "title": "hostprobe otlp section",
    "description": "OTLP/HTTP push of every poll's snapshot. Settings left out fall back to the OTEL_EXPORTER_OTLP_* environment variables, then to the defaults. See docs/otlp.md.",
    "type": "object",
    "additionalProperties": false,
    "properties": {
      "enabled": {
        "type": "boolean",
        "default": true,
        "description": "Push on or off (an otlp: section turns it on unless this is false)."
      },
      "endpoint": {
        "type": "string",
        "pattern": "^https?://",
        "default": "http://localhost:4318",
        "description": "Base URL of the receiver; /v1/metrics is appended (like OTEL_EXPORTER_OTLP_ENDPOINT)."
      },
      "metrics_endpoint": {
        "type": "string",
        "pattern": "^https?://",
        "description": "Full metrics URL, used as is (like OTEL_EXPORTER_OTLP_METRICS_ENDPOINT), e.g. http://prometheus:9090/api/v1/otlp/v1/metrics. Not together with endpoint."
      },
      "protocol": {
        "type": "string",
        "enum": [
          "http/protobuf",
          "http/json"
        ],
        "default": "http/protobuf",
        "description": "OTLP encoding over HTTP."
      },
      "compression": {
        "type": "string",
        "enum": [
          "gzip",
          "none"
        ],
        "default": "gzip",
        "description": "Request body compression."
      },
      "headers": {
        "type": "object",
        "description": "Extra request headers (authentication). A value is a string, {env: VARIABLE} or {file: /path} (trailing newline removed), so secrets stay out of the file.",
        "propertyNames": {
          "pattern": "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"
        },
        "additionalProperties": {
          "oneOf": [
            {
              "type": "string"
            },
            {
              "type": "object",
              "additionalProperties": false,
              "required": [
                "env"
              ],
              "properties": {
                "env": {
                  "type": "string",
                  "minLength": 1
                }
              }
            },
            {
              "type": "object",
              "additionalProperties": false,
              "required": [
                "file"
              ],
              "properties": {
                "file": {
                  "type": "string",
                  "minLength": 1
                }
              }
            }
          ]
        }
      },
      "tls": {
        "type": "object",
        "additionalProperties": false,
        "description": "TLS for https:// endpoints.",
        "properties": {
          "ca_file": {
            "type": "string",
            "description": "PEM CA bundle to trust instead of the system's (OTEL_EXPORTER_OTLP_CERTIFICATE)."
          },
          "cert_file": {
            "type": "string",
            "description": "PEM client certificate for mTLS (OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE); needs key_file."
          },
          "key_file": {
            "type": "string",
            "description": "PEM client key for mTLS (OTEL_EXPORTER_OTLP_CLIENT_KEY); needs cert_file."
          },
          "insecure_skip_verify": {
            "type": "boolean",
            "default": false,
            "description": "Do not verify the server certificate (testing only)."
          }
        }
      },
      "timeout": {
        "$ref": "#/$defs/duration",
        "default": "10s",
        "description": "Deadline of one export, retries and waits included; at most the interval (OTEL_EXPORTER_OTLP_TIMEOUT, ms)."
      },
      "interval": {
        "$ref": "#/$defs/duration",
        "default": "60s",
        "description": "Time between exports; the first export follows the first poll (OTEL_METRIC_EXPORT_INTERVAL, ms)."
      },
      "temporality": {
        "type": "string",
        "enum": [
          "cumulative"
        ],
        "default": "cumulative",
        "description": "Aggregation temporality: cumulative only (the kernel's counters are cumulative; Prometheus' OTLP receiver rejects delta by default)."
      },
      "names": {
        "type": "string",
        "enum": [
          "semconv",
          "hostmetrics"
        ],
        "default": "semconv",
        "description": "Metric and attribute names: the current OpenTelemetry semantic conventions, or the Collector hostmetrics receiver's older names."
      },
      "resource_attributes": {
        "type": "object",
        "description": "Resource attributes added to (and overriding) the detected ones and OTEL_RESOURCE_ATTRIBUTES.",
        "propertyNames": {
          "pattern": "^[A-Za-z_][A-Za-z0-9_.\\-/]*$"
        },
        "additionalProperties": {
          "type": [
            "string",
            "number",
            "boolean"
          ]
        }
      },
      "retry": {
        "type": "object",
        "additionalProperties": false,
        "description": "Retries of 429, 502, 503, 504 and network errors within the timeout (exponential backoff with ±20% jitter; Retry-After honoured).",
        "properties": {
          "enabled": {
            "type": "boolean",
            "default": true
          },
          "initial_backoff": {
            "$ref": "#/$defs/duration",
            "default": "1s"
          },
          "max_backoff": {
            "$ref": "#/$defs/duration",
            "default": "5s"
          }
        }
      }
    },
    "not": {
      "required": [
        "endpoint",
        "metrics_endpoint"
      ]
    },
    "$defs": {
      "duration": {
        "anyOf": [
          {
            "type": "string",
            "pattern": "^(([0-9]+(\\.[0-9]+)?)(ms|s|m|h|d|w|y))+$"
          },
          {
            "type": "number",
            "minimum": 0
          }
        ]
      }
    }
  };
}

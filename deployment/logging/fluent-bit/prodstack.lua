-- The log contract's derived fields for fluent-bit.conf (what rsyslog.conf computes itself):
--   request_id   the api's access lines carry it as requestAttributes.request_id
--   path         the URI without its query (nginx's and the api's `uri`)
--   duration_ms  the api's requestTime (ms) or nginx's request_time (s)
-- Returns 2: the record changed, its time kept.
function prodstack(tag, timestamp, record)
    local attributes = record["requestAttributes"]
    if type(attributes) == "table" and attributes["request_id"] ~= nil then
        record["request_id"] = attributes["request_id"]
    end
    if type(record["uri"]) == "string" then
        record["path"] = string.match(record["uri"], "^[^?]*")
    end
    if type(record["requestTime"]) == "number" then
        record["duration_ms"] = math.floor(record["requestTime"])
    elseif type(record["request_time"]) == "number" then
        record["duration_ms"] = math.floor(record["request_time"] * 1000 + 0.5)
    end
    return 2, timestamp, record
end

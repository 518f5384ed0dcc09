package io.stowage.distribution;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.stowage.registry.ErrorCode;

/** The OCI JSON error body: {@code {"errors":[{"code","message","detail"}]}}. */
record OciError(List<Map<String, Object>> errors) {

    static OciError of(ErrorCode code, String message, Object detail) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code.name());
        error.put("message", message == null ? code.description() : message);
        if (detail != null) {
            error.put("detail", detail);
        }
        return new OciError(List.of(error));
    }
}

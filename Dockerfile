# Stowage container image: built from source in a JDK stage, run as a non-root user on a JRE.
#   docker build -t stowage .
#   docker run -p 5000:5000 -v stowage-data:/var/lib/stowage stowage
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q package -DskipTests

FROM eclipse-temurin:25-jre
RUN useradd --system --uid 10001 --home-dir /var/lib/stowage --shell /usr/sbin/nologin stowage \
    && mkdir -p /var/lib/stowage /opt/stowage \
    && chown stowage:stowage /var/lib/stowage
COPY --from=build /src/target/stowage.jar /opt/stowage/stowage.jar
USER 10001:10001
# Embedded PostgreSQL and filesystem blobs live here unless the environment points elsewhere.
VOLUME /var/lib/stowage
# 5000: the registry; 5001: metrics and health (management port), for the cluster only
EXPOSE 5000 5001
# The heap follows the container's memory limit; blobs stream, so a small heap suffices.
ENV JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -XX:MaxRAMPercentage=50"
# No curl in the JRE image: bash's /dev/tcp asks GET /v2/, which answers 200 with stowage.auth.mode=none and
# 401 (the token challenge) in the default token mode; either means the API is up.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/5000 && printf 'GET /v2/ HTTP/1.0\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -qE '^HTTP/[0-9.]+ (200|401)[^0-9]'"]
ENTRYPOINT ["java", "-jar", "/opt/stowage/stowage.jar", "--stowage.data-dir=/var/lib/stowage"]

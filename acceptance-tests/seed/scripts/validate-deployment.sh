# scripts/validate-deployment.sh
#!/bin/bash
set -e

BASE_URL=${1:-http://localhost:8000}
TIMEOUT=30

echo "🔍 Validating deployment at $BASE_URL"

# Test 1: Health check
echo "1️⃣ Testing health endpoint..."
if curl -f -s "$BASE_URL/health" | grep -q "healthy"; then
    echo "✅ Health check passed"
else
    echo "❌ Health check failed"
    exit 1
fi

# Test 2: Metrics endpoint
echo "2️⃣ Testing metrics endpoint..."
if curl -f -s "$BASE_URL/metrics" | grep -q "requests_total"; then
    echo "✅ Metrics endpoint working"
else
    echo "❌ Metrics endpoint failed"
    exit 1
fi

# Test 3: Database connectivity
echo "3️⃣ Testing database operations..."
USER_ID=$(curl -s -X POST "$BASE_URL/users" \
    -H "Content-Type: application/json" \
    -d '{"username":"validation_test","email":"validation@test.com"}' | \
    jq -r '.id')

if [ "$USER_ID" != "null" ] && [ "$USER_ID" != "" ]; then
    echo "✅ Database operations working"
else
    echo "❌ Database operations failed"
    exit 1
fi

# Test 4: Cache functionality
echo "4️⃣ Testing cache functionality..."
if curl -f -s "$BASE_URL/cache/stats" | grep -q "connected_clients"; then
    echo "✅ Cache functionality working"
else
    echo "❌ Cache functionality failed"
    exit 1
fi

# Test 5: Performance test básico
echo "5️⃣ Testing basic performance..."
START_TIME=$(date +%s.%N)
for i in {1..10}; do
    curl -s "$BASE_URL/health" > /dev/null
done
END_TIME=$(date +%s.%N)
DURATION=$(echo "$END_TIME - $START_TIME" | bc)
AVG_TIME=$(echo "scale=3; $DURATION / 10" | bc)

echo "✅ Average response time: ${AVG_TIME}s"

echo ""
echo "🎉 All validation tests passed!"
echo "📊 Deployment is ready for production use"

// The Node.js 20 + AWS SDK v3 twin of app.credits.balance.BalanceFunction, for the cold-start comparison only
// (bin/bench): the same authorization from the JWT claims, the same read (one consistent BatchGetItem of the
// org's ACCOUNT item, as the Java ledger does) and the same JSON response. Not deployed.
import { DynamoDBClient, BatchGetItemCommand } from "@aws-sdk/client-dynamodb";

const table = process.env.TABLE_NAME || "credits";
// Built once per sandbox at init, as the Java functions build their client.
const dynamo = new DynamoDBClient({
  region: process.env.AWS_REGION || "us-east-1",
  ...(process.env.DYNAMODB_ENDPOINT
    ? { endpoint: process.env.DYNAMODB_ENDPOINT, credentials: { accessKeyId: "local", secretAccessKey: "local" } }
    : {}),
});

const ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const ROLES = new Set(["admin", "service", "staff"]);

function json(statusCode, body) {
  return { statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body), isBase64Encoded: false };
}

function error(statusCode, type, code, message) {
  return json(statusCode, { error: { type, code, message } });
}

// Credits are stored as DynamoDB numbers ("12.75"); rendered as the Java Credits.toString does ("12.75", "3").
function credits(attr) {
  if (!attr || attr.N === undefined) return "0";
  const [whole, frac = ""] = attr.N.split(".");
  const cents = frac.padEnd(2, "0").slice(0, 2).replace(/0+$/, "");
  return cents ? `${whole}.${cents}` : whole;
}

function hundredths(attr) {
  if (!attr || attr.N === undefined) return 0;
  const negative = attr.N.startsWith("-");
  const [whole, frac = ""] = attr.N.replace("-", "").split(".");
  const value = Number(whole) * 100 + Number(frac.padEnd(2, "0").slice(0, 2));
  return negative ? -value : value;
}

export async function handler(event) {
  const claims = event?.requestContext?.authorizer?.jwt?.claims;
  if (!claims || !claims.sub) return error(401, "authentication", "authentication", "a bearer token is required");
  const role = claims.role;
  if (!ROLES.has(role)) return error(403, "permission", "role_not_allowed", `the ${role} role may not call GET /orgs/{orgId}/balance`);
  const orgId = event.pathParameters?.orgId ?? "";
  if (!ID.test(orgId)) return error(400, "invalid_request", "invalid_id", "orgId must be 1-128 characters of A-Z a-z 0-9 _ . : -");
  if (role !== "service" && role !== "staff" && claims.org_id !== orgId) {
    return error(403, "permission", "wrong_org", "the token does not allow acting on this org");
  }
  const out = await dynamo.send(new BatchGetItemCommand({
    RequestItems: { [table]: { Keys: [{ PK: { S: `ORG#${orgId}` }, SK: { S: "ACCOUNT" } }], ConsistentRead: true } },
  }));
  const item = out.Responses?.[table]?.[0] ?? {};
  const pkg = item.package?.S ?? "standard";
  const cost = pkg === "lite" ? 25 : 100;
  const left = hundredths(item.balance) - hundredths(item.reserved);
  return json(200, {
    orgId,
    balance: credits(item.balance),
    creditsLeft: credits(item.creditsLeft),
    creditsReserved: credits(item.reserved),
    invitesPending: Number(item.invitesPending?.N ?? 0),
    creditsUsed: credits(item.used),
    lifetimeCreditsPurchased: credits(item.lifetimePurchased),
    package: pkg,
    submissionsBlocked: left < cost,
  });
}

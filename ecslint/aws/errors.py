"""One line a person understands for each way reaching AWS can fail: no boto3, credentials, Region, network."""

from __future__ import annotations

NEEDS_BOTO3 = '--aws needs boto3: pip install "ecslint[aws]"'


def explain(error: Exception, region: str | None) -> str:
    """A botocore exception as one line that says what to check (never "internal error")."""
    import botocore.exceptions as errors

    where = f"Region {region}" if region else "the configured Region"
    if isinstance(error, (errors.NoCredentialsError, errors.PartialCredentialsError, errors.CredentialRetrievalError)):
        return f"AWS credentials could not be loaded ({error}); check --profile, AWS_PROFILE or `aws configure`"
    if isinstance(error, errors.NoRegionError):
        return "no AWS Region for --aws; use --region or AWS_REGION"
    if isinstance(error, errors.InvalidRegionError):
        return f"{region!r} is not an AWS Region name; check --region or AWS_REGION"
    if isinstance(error, (errors.EndpointConnectionError, errors.ConnectTimeoutError, errors.ReadTimeoutError, errors.ConnectionClosedError)):
        return f"could not reach AWS in {where} ({error}); check the network or proxy, and that the Region exists"
    if isinstance(error, errors.ProfileNotFound):
        return f"{error}; check --profile or AWS_PROFILE"
    if isinstance(error, errors.ClientError):
        code = error.response.get("Error", {}).get("Code", "Error")
        if code in ("UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException", "InvalidSignatureException"):
            return f"AWS rejected the credentials ({code}); check --profile or refresh them (`aws sso login`)"
        return f"{code}: {error.response.get('Error', {}).get('Message', error)}"
    return f"AWS request failed in {where}: {error}"

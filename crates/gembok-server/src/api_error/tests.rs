//! Every error the API can meet maps to its stable code and status, and a 5xx body
//! says nothing of its cause.

use super::*;

#[test]
fn core_errors_map_to_stable_codes() {
    let cases: Vec<(CoreError, StatusCode, &str)> = vec![
        (
            CoreError::UndeclaredField {
                collection: "c".into(),
                field: "f".into(),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
            "undeclared_field",
        ),
        (
            CoreError::MissingField("name".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_data",
        ),
        (
            CoreError::NotSearchable("x".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_searchable",
        ),
        (
            CoreError::SchemaChange("x".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_schema",
        ),
        (CoreError::NotFound, StatusCode::NOT_FOUND, "not_found"),
        (
            CoreError::UnknownCollection("zz".into()),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            CoreError::Integrity("tag mismatch".into()),
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
        ),
        (
            CoreError::Store(StoreError::Unavailable("down".into())),
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
        ),
        (
            CoreError::Store(StoreError::Conflict("dup")),
            StatusCode::CONFLICT,
            "conflict",
        ),
        (
            CoreError::Throttled {
                retry_after_ms: 1_001,
            },
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
        ),
        (
            CoreError::CredentialLocked,
            StatusCode::LOCKED,
            "credential_locked",
        ),
    ];
    for (err, status, code) in cases {
        let api = ApiError::from(err);
        assert_eq!((api.status, api.code), (status, code));
    }
}

#[test]
fn server_errors_are_opaque() {
    let api = ApiError::from(CoreError::Integrity("record 42 of alice failed".into()));
    assert!(!api.message.contains("alice"));
    assert!(!api.message.contains("42"));
}

#[test]
fn auth_errors_are_401_except_address_refusal() {
    assert_eq!(
        ApiError::from(AuthError::Expired).status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        ApiError::from(AuthError::Revoked).status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        ApiError::from(AuthError::Unknown).status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        ApiError::from(AuthError::IpNotAllowed).status,
        StatusCode::FORBIDDEN
    );
}

#[test]
fn account_errors_map_to_statuses_and_codes() {
    use gembok_core::staff::password_policy::Refusal;
    let cases: Vec<(AccountError, StatusCode, &str)> = vec![
        (
            AccountError::InvalidCredentials,
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        ),
        (
            AccountError::InvalidCode,
            StatusCode::UNAUTHORIZED,
            "invalid_code",
        ),
        (
            AccountError::InvalidToken,
            StatusCode::UNAUTHORIZED,
            "invalid_token",
        ),
        (
            AccountError::InvalidSession,
            StatusCode::UNAUTHORIZED,
            "invalid_session",
        ),
        (
            AccountError::Throttled {
                retry_after_secs: 3,
            },
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
        ),
        (
            AccountError::Locked,
            StatusCode::LOCKED,
            "credential_locked",
        ),
        (
            AccountError::WeakPassword(Refusal::Blocklisted),
            StatusCode::UNPROCESSABLE_ENTITY,
            "password_blocklisted",
        ),
        (
            AccountError::ReauthRequired,
            StatusCode::FORBIDDEN,
            "reauth_required",
        ),
        (
            AccountError::Forbidden("x".into()),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            AccountError::EmailTaken,
            StatusCode::CONFLICT,
            "email_taken",
        ),
        (AccountError::NotFound, StatusCode::NOT_FOUND, "not_found"),
        (
            AccountError::InvalidInput("bad".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
        ),
        (
            AccountError::Conflict("no".into()),
            StatusCode::CONFLICT,
            "conflict",
        ),
        (
            AccountError::Core(CoreError::Store(StoreError::Unavailable("down".into()))),
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
        ),
    ];
    for (err, status, code) in cases {
        let api = ApiError::from(err);
        assert_eq!((api.status, api.code), (status, code));
    }
    let throttled = ApiError::from(AccountError::Throttled {
        retry_after_secs: 3,
    });
    assert_eq!(throttled.retry_after, Some(3));
    let weak = ApiError::from(AccountError::WeakPassword(Refusal::Blocklisted));
    assert_eq!(weak.message, Refusal::Blocklisted.message_en());
    assert_eq!(weak.message_id, Some(Refusal::Blocklisted.message_id()));
    assert_eq!(
        ApiError::from(AccountError::InvalidCredentials).message,
        "the e-mail address or password is wrong",
        "one message for an unknown address and a wrong password"
    );
}

#[test]
fn response_carries_auth_challenge_and_retry_after() {
    let r = ApiError::unauthorized("x").into_response();
    assert_eq!(r.headers()[header::WWW_AUTHENTICATE], "Bearer");
    let r = ApiError::rate_limited(0).into_response();
    assert_eq!(r.headers()[header::RETRY_AFTER], "1");
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let r = ApiError::from(CoreError::Throttled {
        retry_after_ms: 1_001,
    })
    .into_response();
    assert_eq!(r.headers()[header::RETRY_AFTER], "2", "rounded up");
}

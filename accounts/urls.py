from django.urls import path

from accounts.views import account, ceremonies, signing_in

app_name = "accounts"

urlpatterns = [
    path("account/", account.account, name="account"),
    path("account/create/", ceremonies.create, name="create"),
    path("account/create/options/", ceremonies.create_options, name="create_options"),
    path("account/create/verify/", ceremonies.create_verify, name="create_verify"),
    path("account/sign-in/", signing_in.sign_in, name="sign_in"),
    path("account/sign-in/options/", ceremonies.sign_in_options, name="sign_in_options"),
    path("account/sign-in/verify/", ceremonies.sign_in_verify, name="sign_in_verify"),
    path("account/sign-in/recovery/", signing_in.sign_in_recovery, name="sign_in_recovery"),
    path("account/sign-in/email/", signing_in.sign_in_email, name="sign_in_email"),
    path("account/sign-in/link/<str:token>/", signing_in.sign_in_link, name="sign_in_link"),
    path("account/sign-out/", signing_in.sign_out, name="sign_out"),
    path(
        "account/passkeys/add/options/", ceremonies.passkey_add_options, name="passkey_add_options"
    ),
    path("account/passkeys/add/verify/", ceremonies.passkey_add_verify, name="passkey_add_verify"),
    path("account/passkeys/<int:pk>/remove/", account.passkey_remove, name="passkey_remove"),
    path("account/recovery-codes/", account.recovery_codes, name="recovery_codes"),
    path("account/email/", account.email_add, name="email_add"),
    path("account/email/remove/", account.email_remove, name="email_remove"),
    path("account/email/verify/<str:token>/", account.email_verify, name="email_verify"),
    path("account/export.json", account.export, name="export"),
    path("account/delete/", account.delete, name="delete"),
    path("privacy/", account.privacy, name="privacy"),
]

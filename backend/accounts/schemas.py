from ninja import Schema
from pydantic import Field


class RegisterIn(Schema):
    username: str = Field(min_length=1, max_length=150, pattern=r"^[\w.@+-]+$", examples=["alex"])
    email: str = Field(min_length=3, max_length=254, examples=["alex@example.com"])
    password: str = Field(min_length=1, max_length=256)


class LoginIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=256)


class UserOut(Schema):
    id: int
    username: str
    email: str


class AuthOut(Schema):
    token: str = Field(description="Send as `Authorization: Token <token>`. Shown only once.")
    user: UserOut

"""The words users read: verdict labels, reason messages and the advice (the "5 không").

Vietnamese first, English second. Reason codes are stable; messages may improve over time.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "ADVICE",
    "FIVE_KHONG",
    "FIVE_KHONG_EN",
    "REASONS",
    "VERDICTS",
    "VERDICT_LABELS",
    "Advice",
    "Reason",
    "reason",
]

VERDICTS = ("official", "denied", "suspicious", "unknown")

VERDICT_LABELS: dict[str, tuple[str, str]] = {
    "official": ("Nguồn chính thống", "Official source"),
    "denied": ("Nguồn không tin cậy (bị chặn)", "Untrusted source (denied)"),
    "suspicious": ("Đáng ngờ: có dấu hiệu giả mạo", "Suspicious: signs of imitation"),
    "unknown": ("Chưa xác minh", "Not verified"),
}

FIVE_KHONG = (
    "Không tin ngay",
    "Không vội đăng tải",
    "Không thêm bớt",
    "Không vội chia sẻ",
    "Không bị kích động và xúi giục",
)
FIVE_KHONG_EN = (
    "Do not believe it at once",
    "Do not rush to post",
    "Do not add or cut anything",
    "Do not rush to share",
    "Do not be provoked or incited",
)


class Reason(NamedTuple):
    """Why a verdict was given: a stable code and its message in both languages."""

    code: str
    message: str
    message_en: str

    def text(self, lang: str) -> str:
        """The message in ``lang`` (``"en"``, otherwise Vietnamese)."""
        return self.message_en if lang == "en" else self.message


class Advice(NamedTuple):
    """What to do with a link of this verdict, with the 5 không."""

    summary: str
    summary_en: str
    five_khong: tuple[str, ...] = FIVE_KHONG
    five_khong_en: tuple[str, ...] = FIVE_KHONG_EN


ADVICE: dict[str, Advice] = {
    "official": Advice(
        "Nguồn chính thống. Trước khi chia sẻ, vẫn giữ “5 không”: đọc hết nội dung, giữ "
        "nguyên văn, không thêm bớt.",
        "An official source. Before sharing, still keep the “5 không”: read it all, keep it "
        "as it is, add and cut nothing.",
    ),
    "denied": Advice(
        "Không chia sẻ. Nguồn này nằm trong danh sách không tin cậy; nếu đã chia sẻ, hãy gỡ "
        "xuống và báo cho người phụ trách.",
        "Do not share. This source is on the untrusted list; if you shared it, take it down "
        "and tell the person in charge.",
    ),
    "suspicious": Advice(
        "Không chia sẻ. Trang này có dấu hiệu giả mạo nguồn chính thống; hãy tìm tin trên "
        "trang chính thống thật và báo cáo trang này.",
        "Do not share. This page shows signs of imitating an official source; look for the "
        "news on the real official site and report this page.",
    ),
    "unknown": Advice(
        "Chưa xác minh: nguồn này không có trong danh sách chính thống, không có nghĩa là an "
        "toàn. Hãy tìm cùng tin trên báo chí chính thống trước khi chia sẻ.",
        "Not verified: this source is not on the official list, which does not make it safe. "
        "Find the same news in the official press before sharing.",
    ),
}

#: code → (Vietnamese, English); ``{name}``, ``{host}``, ``{pattern}`` are filled per check
#: (``{detail}``/``{detail_en}``: the resolver's failure in plain words, per language).
REASONS: dict[str, tuple[str, str]] = {
    "allow_listed": (
        "Có trong danh sách nguồn chính thống: {name}.",
        "On the list of official sources: {name}.",
    ),
    "deny_listed": (
        "Có trong danh sách nguồn không tin cậy: {name}.",
        "On the list of untrusted sources: {name}.",
    ),
    "feed_listed": (
        "Có trong danh sách cảnh báo “{name}”.",
        "On the warning list “{name}”.",
    ),
    "not_listed": (
        "Nguồn này chưa có trong danh sách nguồn chính thống (chưa xác minh, không có nghĩa "
        "là an toàn).",
        "This source is not on the list of official sources (not verified, which does not "
        "mean safe).",
    ),
    "shortened_link": (
        "Đây là liên kết rút gọn ({host}): chưa biết trang đích thật sự.",
        "This is a shortened link ({host}): its real destination is not known.",
    ),
    "ip_address_host": (
        "Liên kết dùng địa chỉ IP thay cho tên miền, dấu hiệu thường gặp ở trang giả mạo.",
        "The link uses an IP address instead of a domain name, a common sign of fake pages.",
    ),
    "unwrapped_redirect": (
        "Liên kết chuyển hướng qua {host}; đã kiểm tra trang đích thật sự.",
        "The link redirects through {host}; its real destination was checked.",
    ),
    "resolve_failed": (
        "Không mở được liên kết rút gọn để xem trang đích ({detail}); hãy coi như chưa xác minh.",
        "The shortened link could not be followed ({detail_en}); treat it as not verified.",
    ),
    "userinfo_disguise": (
        "Phần “{shown}” đứng trước dấu @ chỉ là tên đăng nhập, không phải trang web: trang thật "
        "là {host}. Đây là thủ đoạn giả mạo thường gặp.",
        "The part “{shown}” before the @ is only a user name, not the site: the real site is "
        "{host}. This is a common imitation trick.",
    ),
    "resolved_redirect": (
        "Đã mở liên kết rút gọn để tìm trang đích thật sự: {host}.",
        "The shortened link was followed to its real destination: {host}.",
    ),
}


def reason(code: str, **fields: str) -> Reason:
    """A :class:`Reason` for ``code`` with its placeholders filled."""
    vi, en = REASONS[code]
    return Reason(code, vi.format(**fields), en.format(**fields))

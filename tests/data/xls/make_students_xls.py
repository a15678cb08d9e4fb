#!/usr/bin/env python3
"""Writes students-excel97.xls, the Excel 97-2003 (BIFF8) student roster the
.xls reader is tested with: a header, two pupils as an office types them (the
grade a number, the birth date a date cell, the ID text) and one whose ID Excel
turned into a number. Needs xlwt (pip install xlwt); the file is committed, so
the tests do not.
Usage: make_students_xls.py OUT.xls"""
import datetime
import sys

import xlwt

book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("学生名册")
header = ["姓名", "公民身份号码", "性别", "出生日期", "民族", "学校标识码", "学段", "年级", "班级",
          "是否寄宿", "学籍状态", "户编号", "贫困类别"]
for c, h in enumerate(header):
    sheet.write(0, c, h)
date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
rows = [
    ["张三", "11010519491231002X", "女", datetime.date(2018, 3, 5), "汉族", "2101020001", "小学", 2, "1班", "否", "在籍", "H1", "建档立卡"],
    ["李四", "440524201801010016", "男", datetime.date(2018, 1, 1), "汉族", "2101020001", "小学", 2, "2班", "是", "在籍", "H2", ""],
    ["王五", 110105201803050000, "男", datetime.date(2018, 3, 5), "汉族", "2101020001", "小学", 2, "1班", "否", "在籍", "H3", ""],
]
for r, row in enumerate(rows, start=1):
    for c, value in enumerate(row):
        if isinstance(value, datetime.date):
            sheet.write(r, c, value, date)
        else:
            sheet.write(r, c, value)
book.save(sys.argv[1])
